// Figure 5, on the wire: one scripted session of 1,000 interactions over 50
// answers (ratings, stars, comments, copies, regenerations, edits; fixed
// seed), one interaction every PACE_MS, replayed against our proxy
// transport, our direct transport (to the collector through a counting
// forwarder) and posthog-js with its defaults (to the loopback sink).
// Counted on the servers: every request that arrived, preflights included,
// with request line + headers + body bytes.
import { openDriver } from './lib/pages.mjs';
import { rng, uuids } from './lib/stats.mjs';

export const INTERACTIONS = 1000;
export const ANSWERS = 50;
export const PACE_MS = 20;

/** The scripted session: [{ answer, kind, value }]. */
export function session(seed = 42) {
  const r = rng(seed);
  const kinds = [['copy', 0.3], ['rating', 0.2], ['score', 0.15], ['comment', 0.1], ['regenerate', 0.1], ['edit', 0.15]];
  const out = [];
  for (let i = 0; i < INTERACTIONS; i++) {
    // Recent answers get most of the attention, as in a chat.
    const answer = Math.min(ANSWERS - 1, Math.floor((i / INTERACTIONS) * ANSWERS + (r() - 0.7) * 6)) | 0;
    let k = r();
    const kind = kinds.find(([, p]) => (k -= p) < 0)?.[0] ?? 'copy';
    out.push({ answer: Math.max(0, answer), kind, value: r() });
  }
  return out;
}

async function replay(page, script, ids, paceMs) {
  return page.evaluate(async ({ script, ids, paceMs }) => {
    const a = window.__adapter;
    const copies = new Map();
    let failed = 0;
    const t0 = performance.now();
    for (let i = 0; i < script.length; i++) {
      const { answer, kind, value } = script[i];
      const eventId = ids[answer];
      let feedback;
      if (kind === 'copy') {
        const n = (copies.get(answer) ?? 0) + 1;
        copies.set(answer, n);
        feedback = { actions: { copied: true, copy_count: n } };
      } else if (kind === 'rating') feedback = { rating: value < 0.7 };
      else if (kind === 'score') feedback = { score: 1 + Math.floor(value * 5) };
      else if (kind === 'comment') feedback = { comment: `Answer ${answer}: ${value < 0.5 ? 'helpful, thanks' : 'missed the point about retries'}` };
      else if (kind === 'regenerate') feedback = { actions: { regenerated: true } };
      else feedback = { actions: { edited: true }, edits: [{ op: 'replace', value: `corrected wording ${Math.floor(value * 100)}` }] };
      try { a.capture(eventId, feedback); } catch { failed++; }
      const next = t0 + (i + 1) * paceMs;
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
    if (a.flush) await a.flush();
    return { failed, ms: performance.now() - t0, stats: a.stats?.() };
  }, { script, ids, paceMs });
}

export async function measureWire(browser, net, { paceMs = PACE_MS, quietMs = 4000, log = () => {} } = {}) {
  const script = session();
  const ids = uuids(ANSWERS, 11);
  const runs = [
    { name: 'trace-feedback, proxy transport', driver: 'ours', cfg: { namespace: 'wire-proxy' }, count: () => net.web.count },
    { name: 'trace-feedback, direct (honeyhive) transport', driver: 'ours', cfg: { transport: 'honeyhive', namespace: 'wire-direct' }, count: () => net.hh.count },
    { name: 'posthog-js (defaults)', driver: 'posthog-js', cfg: {}, count: () => net.sink.count },
  ];
  const rows = [];
  for (const run of runs) {
    net.resetCounts();
    const { context, page, startup, errors } = await openDriver(browser, net, run.driver, run.cfg);
    if (startup.error) {
      rows.push({ name: run.name, error: startup.error });
      await context.close();
      continue;
    }
    const r = await replay(page, script, ids, paceMs);
    // Wait until the library has been quiet for quietMs (its own batching timers).
    let last = run.count().log.length;
    let quietSince = Date.now();
    const end = Date.now() + 20000;
    while (Date.now() - quietSince < quietMs && Date.now() < end) {
      await new Promise((res) => setTimeout(res, 250));
      const n = run.count().log.length;
      if (n !== last) { last = n; quietSince = Date.now(); }
    }
    const all = run.count().snapshot();
    const isCapture = run.driver === 'posthog-js'
      ? (x) => /\/(e|i\/v0\/e|batch|capture)\/?$/.test(x.path) && x.method !== 'OPTIONS'
      : (x) => x.method !== 'OPTIONS';
    const capture = run.count().snapshot(isCapture);
    const paths = {};
    for (const x of run.count().log) paths[`${x.method} ${x.path.replace(/[0-9a-f-]{36}/, '{id}')}`] = (paths[`${x.method} ${x.path.replace(/[0-9a-f-]{36}/, '{id}')}`] ?? 0) + 1;
    rows.push({
      name: run.name, interactions: script.length, sessionMs: Math.round(r.ms), failed: r.failed,
      requests: all.requests, preflights: all.preflights, wireBytes: all.wireBytes, bodyBytes: all.bodyBytes,
      feedbackRequests: capture.requests, feedbackWireBytes: capture.wireBytes,
      paths, stats: r.stats, pageErrors: errors.slice(0, 3),
    });
    log(`wire: ${run.name}: ${all.requests} requests`);
    await context.close();
  }
  return { interactions: INTERACTIONS, answers: ANSWERS, paceMs, kinds: countKinds(script), rows };
}

function countKinds(script) {
  const k = {};
  for (const s of script) k[s.kind] = (k[s.kind] ?? 0) + 1;
  return k;
}
