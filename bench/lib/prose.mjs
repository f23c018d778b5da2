// Realistic ASCII prose (an LLM answer) and an edited copy with scattered
// word edits, from a fixed seed: ASCII so UTF-16 units, code points and
// bytes all count the same.
import { rng } from './stats.mjs';

const WORDS = (
  'the a an of to and in is that for it as with be on by this are or from at which can not you your ' +
  'model answer request response server client browser cache query index table column value function ' +
  'method error result data file system user session token latency memory thread process network queue ' +
  'retry batch update event trace span feedback score rating comment edit copy regenerate prompt context ' +
  'should would could will may might must first then next finally however because therefore instead also ' +
  'quickly carefully usually often rarely always never simple complex large small fast slow new old ' +
  'returns creates reads writes sends receives stores loads parses validates merges checks runs builds ' +
  'example configuration option setting default timeout limit budget interval header body status code'
).split(' ');

function sentence(r) {
  const n = 8 + Math.floor(r() * 14);
  const w = Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]);
  w[0] = w[0][0].toUpperCase() + w[0].slice(1);
  if (r() < 0.3) w[Math.floor(n / 2)] += ',';
  return w.join(' ') + (r() < 0.1 ? '?' : '.');
}

/** About `bytes` of prose in paragraphs. */
export function prose(bytes, seed) {
  const r = rng(seed);
  let out = '';
  while (out.length < bytes) {
    const sentences = 3 + Math.floor(r() * 4);
    out += Array.from({ length: sentences }, () => sentence(r)).join(' ') + '\n\n';
  }
  return out.slice(0, bytes);
}

/** Replaces, deletes or inserts about `rate` of the words. */
export function editWords(text, rate, seed) {
  const r = rng(seed);
  const parts = text.split(/( +)/);
  const out = [];
  for (const p of parts) {
    if (p.trim() === '' || r() >= rate) { out.push(p); continue; }
    const k = r();
    if (k < 0.5) out.push(WORDS[Math.floor(r() * WORDS.length)]);
    else if (k < 0.75) out.push('');
    else out.push(p + ' ' + WORDS[Math.floor(r() * WORDS.length)]);
  }
  return out.join('');
}
