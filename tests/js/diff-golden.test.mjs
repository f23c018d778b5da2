// The edit diff module (trace_feedback_diff.wasm) gives exactly what the
// core's Embind diff_raw gave before the diff moved out of the core: the
// same edits and edit_stats (same keys, same order, same numbers) and the
// same refusals, on 806 seeded pairs with unicode, control characters and
// lone surrogates (fixtures/diff-pairs.mjs; outputs recorded from the old
// core by fixtures/make-diff-golden.mjs). With TF_OLD_CORE_DIR (a folder
// holding an old trace_feedback_core.{mjs,wasm}) it also compares live on
// 2,000 more random pairs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { init } from '../../dist/index.js';
import { loadDiffModule } from '../../dist/diff/loader.js';
import { diffPairs } from './fixtures/diff-pairs.mjs';

const golden = JSON.parse(readFileSync(new URL('./fixtures/diff-golden.json', import.meta.url), 'utf8'));

function run(mod, { original, edited, options }) {
  const r = mod.run(original, edited, options);
  return r.ok ? r.value : { error: r.errors[0].message, path: r.errors[0].path, code: r.errors[0].code };
}

test('the diff module matches the old core on every seeded pair, byte for byte', async () => {
  const mod = await loadDiffModule();
  const pairs = diffPairs();
  assert.equal(pairs.length, golden.length);
  let refused = 0;
  for (let i = 0; i < pairs.length; i++) {
    const got = run(mod, pairs[i]);
    const want = golden[i];
    if (want.error) {
      refused++;
      assert.equal(got.error, want.error, `pair ${i}`);
      assert.equal(got.code, 'invalid_options');
      assert.match(want.error, new RegExp(`^${got.path} `), `pair ${i}: the path names the option`);
    } else {
      // JSON text equality: same keys in the same order, same values.
      assert.equal(JSON.stringify(got), JSON.stringify(want), `pair ${i}: ${JSON.stringify(pairs[i]).slice(0, 200)}`);
    }
  }
  assert.ok(refused > 50 && refused < pairs.length / 2, `some refusals checked (${refused})`);
});

test('client.diff gives the golden output through the public API', async (t) => {
  const client = await init({ namespace: randomUUID(), persistence: 'memory', transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 200 })), onError: () => {} });
  t.after(() => client.close());
  const pairs = diffPairs();
  let n = 0;
  for (let i = 0; i < pairs.length; i++) {
    if (pairs[i].options !== undefined) continue;
    assert.equal(JSON.stringify(client.diff(pairs[i].original, pairs[i].edited)), JSON.stringify(golden[i]), `pair ${i}`);
    n++;
  }
  assert.ok(n > 40);
});

const OLD = process.env.TF_OLD_CORE_DIR;
test('live against an old core (TF_OLD_CORE_DIR)', { skip: OLD ? false : 'set TF_OLD_CORE_DIR to compare live' }, async () => {
  const { default: createCore } = await import(join(OLD, 'trace_feedback_core.mjs'));
  const core = await createCore({ wasmBinary: readFileSync(join(OLD, 'trace_feedback_core.wasm')), print() {}, printErr() {} });
  const mod = await loadDiffModule();
  let s = 7;
  const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const units = ['a', 'b', ' ', 'é', '日', '😀', '\uD800', '\uDC00', '\u0000', '\n', 'word ', '👍🏽'];
  for (let i = 0; i < 2000; i++) {
    let a = '';
    for (let k = Math.floor(r() * 80); k > 0; k--) a += units[Math.floor(r() * units.length)];
    const b = a.split('');
    for (let k = Math.floor(r() * 6); k > 0; k--) {
      const p = Math.floor(r() * (b.length + 1));
      if (r() < 0.5) b.splice(p, 1);
      else b.splice(p, 0, units[Math.floor(r() * units.length)]);
    }
    const options = [undefined, { includeText: false }, { maxSegments: 2, maxSegmentChars: 3 }][i % 3];
    const want = JSON.parse(core.diff_raw(a, b.join(''), JSON.stringify(options ?? {})));
    assert.equal(JSON.stringify(run(mod, { original: a, edited: b.join(''), options })), JSON.stringify(want), JSON.stringify([a, b.join('')]));
  }
});
