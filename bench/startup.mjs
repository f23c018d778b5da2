// Figure 2, start-up: from import() of the app bundle to ready (our
// `await init()`, each peer's own init), over fresh page loads.
import { openDriver } from './lib/pages.mjs';
import { median, percentile } from './lib/stats.mjs';

export const STARTUP_LIBS = [
  { name: 'trace-feedback', driver: 'ours', ready: 'await init()' },
  { name: 'langfuse', driver: 'langfuse', ready: 'new LangfuseWeb()' },
  { name: 'posthog-js-lite', driver: 'posthog-js-lite', ready: 'new PostHog()' },
  { name: 'posthog-js', driver: 'posthog-js', ready: 'posthog.init() until `loaded`' },
  { name: '@langfuse/client', driver: 'langfuse-client', ready: 'new LangfuseClient()' },
  { name: '@segment/analytics-next', driver: 'segment', ready: 'await AnalyticsBrowser.load()' },
  { name: '@sentry/browser', driver: 'sentry', ready: 'init({ feedbackIntegration })' },
  { name: 'langsmith', driver: 'langsmith', ready: 'new Client()' },
];

export async function measureStartup(browser, net, { loads = 20, capMs = 200_000, log = () => {} } = {}) {
  const t0 = Date.now();
  const rows = [];
  // Interleave libraries load by load, so drift on the machine hits all alike.
  const samples = new Map(STARTUP_LIBS.map((l) => [l.name, []]));
  const failures = new Map();
  for (let i = 0; i < loads + 1; i++) {
    for (const lib of STARTUP_LIBS) {
      const { context, startup } = await openDriver(browser, net, lib.driver);
      await context.close();
      if (startup.error) failures.set(lib.name, startup.error);
      else if (i > 0) samples.get(lib.name).push(startup.ms); // load 0 warms the server and disk cache
    }
    log(`startup: load ${i}/${loads}`);
    // On a loaded machine, keep the whole run under its 10 minutes: fewer loads, reported as such.
    if (Date.now() - t0 > capMs) break;
  }
  for (const lib of STARTUP_LIBS) {
    const ms = samples.get(lib.name);
    rows.push({
      name: lib.name, ready: lib.ready, loads: ms.length,
      medianMs: median(ms), p95Ms: percentile(ms, 95),
      ...(failures.has(lib.name) ? { error: failures.get(lib.name) } : {}),
      samplesMs: ms.map((v) => Math.round(v * 10) / 10),
    });
  }
  const ours = rows[0];
  for (const r of rows) r.ratioToOurs = r.medianMs / ours.medianMs;
  return { loads, capMs, rows };
}
