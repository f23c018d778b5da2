// Figure 3, capture cost on the main thread: µs per call of a typical
// feedback capture, timed with performance.now() (5 µs resolution: the page
// is cross-origin isolated) over batches of calls, yielding to the event
// loop between batches so delivery runs as it would in an app. The
// libraries run in alternating rounds, each in its own page, so load on
// the machine hits them alike. Also the amortized main-thread time per
// capture including the deferred work each library schedules (delivery,
// persistence), from CDP's TaskDuration.
import { openDriver } from './lib/pages.mjs';
import { uuids } from './lib/stats.mjs';

export const CAPTURE_LIBS = [
  { name: 'trace-feedback', driver: 'ours', call: 'client.enrichSpan({ eventId, feedback })' },
  { name: 'posthog-js', driver: 'posthog-js', call: "posthog.capture('llm_feedback', { event_id, ...feedback })" },
  { name: 'langfuse', driver: 'langfuse', call: 'langfuse.score({ traceId, name, value, comment })' },
  { name: 'posthog-js-lite', driver: 'posthog-js-lite', call: "posthog.capture('llm_feedback', { event_id, ...feedback })" },
];

export const FEEDBACK = {
  rating: true,
  score: 4,
  comment: 'Clear and correct; the second example was exactly what I needed.',
  actions: { copied: true, copy_count: 2 },
};

async function taskSeconds(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration').value;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function runBatches(page, n, batch, ids, maxMs) {
  return page.evaluate(async ({ n, batch, ids, feedback, maxMs }) => {
    const a = window.__adapter;
    const perCall = [];
    let failed = 0;
    let firstError;
    const end = performance.now() + maxMs;
    // A library slower than the time cap makes fewer calls (at least 4 batches).
    for (let b = 0; b < n / batch && (b < 4 || performance.now() < end); b++) {
      const base = b * batch;
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) {
        try {
          a.capture(ids[(base + i) % ids.length], feedback);
        } catch (e) {
          failed++;
          firstError ??= String(e);
        }
      }
      perCall.push(((performance.now() - t0) * 1000) / batch);
      if (b % 10 === 9) await new Promise((r) => setTimeout(r, 0));
    }
    return { perCall, failed, firstError };
  }, { n, batch, ids, feedback: FEEDBACK, maxMs });
}

export async function measureCapture(browser, net, { calls = 10000, batch = 50, rounds = 5, roundCapMs = 3000, log = () => {} } = {}) {
  const ids = uuids(50, 7);
  const libs = [];
  for (const lib of CAPTURE_LIBS) {
    const opened = await openDriver(browser, net, lib.driver);
    const entry = { ...lib, ...opened, perCall: [], failed: 0, taskS: 0 };
    if (!opened.startup.error) {
      entry.cdp = await opened.context.newCDPSession(opened.page);
      await entry.cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      try {
        await runBatches(opened.page, 2000, batch, ids, roundCapMs); // warm-up: JIT, queues, connections
      } catch (e) {
        entry.startup = { error: `warm-up failed: ${e.message}` };
      }
    }
    libs.push(entry);
  }
  await sleep(2000);
  const perRound = calls / rounds;
  for (let round = 0; round < rounds; round++) {
    for (const lib of libs) {
      if (lib.startup.error) continue;
      try {
        const before = await taskSeconds(lib.cdp);
        const r = await runBatches(lib.page, perRound, batch, ids, roundCapMs);
        await sleep(1000); // the deferred work (timers, delivery, persistence) runs out
        lib.taskS += (await taskSeconds(lib.cdp)) - before;
        lib.perCall.push(...r.perCall);
        lib.calls = (lib.calls ?? 0) + r.perCall.length * batch;
        lib.failed += r.failed;
        lib.firstError ??= r.firstError;
      } catch (e) {
        lib.startup = { error: `run failed: ${e.message.split('\n')[0]}` };
      }
    }
    log(`capture: round ${round + 1}/${rounds}`);
  }
  const rows = [];
  for (const lib of libs) {
    await lib.context.close();
    if (lib.startup.error) {
      rows.push({ name: lib.name, call: lib.call, error: lib.startup.error });
      continue;
    }
    const sorted = [...lib.perCall].sort((a, b) => a - b);
    const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
    const meanUs = sorted.reduce((s, v) => s + v, 0) / sorted.length;
    rows.push({
      name: lib.name, call: lib.call, calls: lib.calls, batch,
      medianUs: at(50), p99Us: at(99), meanUs,
      capturesPerSecond: 1e6 / meanUs,
      amortizedMainThreadUs: (lib.taskS * 1e6) / lib.calls,
      failed: lib.failed, ...(lib.firstError ? { firstError: lib.firstError } : {}),
      pageErrors: lib.errors.slice(0, 3),
    });
  }
  const ours = rows[0];
  const ph = rows.find((r) => r.name === 'posthog-js');
  const ratio = ph?.medianUs && ours.medianUs ? ph.medianUs / ours.medianUs : NaN;
  for (const r of rows) if (r.medianUs) r.ratioToOurs = r.medianUs / ours.medianUs;
  return {
    calls, rounds, roundCapMs, batch,
    rows,
    targets: {
      medianUnder10us: { met: ours.medianUs < 10, value: ours.medianUs },
      atLeast3xCheaperThanPosthog: { met: ratio >= 3, ratio },
    },
  };
}
