// npm run bench: every figure in one run on one machine, then
// BENCHMARKS.md and bench-results.json. Budget: under 10 minutes on 2 cores.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib/bundle.mjs';
import { buildPages, launch } from './lib/pages.mjs';
import { OUT, startBenchNetwork } from './lib/servers.mjs';
import { measureSizes, peerVersion } from './size.mjs';
import { measureStartup } from './startup.mjs';
import { measureCapture } from './capture.mjs';
import { measureDiff } from './diff.mjs';
import { measureWire } from './wire.mjs';
import { measureMemory } from './memory.mjs';
import { renderMarkdown } from './report.mjs';
import { measureProxy } from './proxy.mjs';
import { measureNativeCapture } from './native-capture.mjs';

const started = Date.now();
const TOTAL_BUDGET_MS = 8.5 * 60_000; // leaves a margin under the 10 minutes
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick'); // a smoke run: fewer loads and captures
const log = (m) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${m}`);

function sh(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unavailable';
  }
}

const PEERS = ['langfuse', 'posthog-js-lite', 'posthog-js', '@langfuse/client', '@segment/analytics-next', '@sentry/browser',
  'langsmith', 'diff', 'fast-diff', 'diff-match-patch', 'fast-myers-diff', 'esbuild', 'playwright-core'];

const results = {
  date: new Date().toISOString(),
  machine: {
    nproc: Number(sh('nproc', [])),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  },
  versions: {
    'trace-feedback': JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    node: process.version,
    emscripten: sh('emcc', ['--version']).split('\n')[0].replace(/^.*\) /, '') || 'unavailable',
    ...Object.fromEntries(PEERS.map((p) => [p, peerVersion(p)])),
  },
  quick,
};

log('size: bundling the minimal apps');
results.size = await measureSizes(join(OUT, 'size'));
log(`size: ours ${results.size.rows[0].gzip} B gzip`);

log('pages: bundling the drivers');
results.pageBuild = await buildPages();
const net = await startBenchNetwork();
const browser = await launch();
results.versions.chromium = browser.version();
try {
  results.startup = await measureStartup(browser, net, { loads: quick ? 3 : 20, log });
  results.capture = await measureCapture(browser, net, { calls: quick ? 2000 : 10000, rounds: quick ? 2 : 5, log });
  results.diff = await measureDiff(browser, net, { budgetMs: quick ? 300 : 1500, log });
  results.wire = await measureWire(browser, net, { paceMs: quick ? 5 : 20, log });
  const left = TOTAL_BUDGET_MS - (Date.now() - started);
  const budgetMs = Math.max(20_000, Math.min(quick ? 15_000 : 180_000, left - 45_000));
  log(`memory: up to 1,000,000 captures, ${Math.round(budgetMs / 1000)} s budget`);
  results.memory = await measureMemory(browser, net, { captures: 1_000_000, budgetMs, log });
} finally {
  await browser.close();
  await net.close();
}
log('native capture: the core alone, natively and in the -Oz wasm');
results.nativeCapture = measureNativeCapture({ captures: quick ? 5000 : 60_000, log });
log('proxy: throughput against a 20 ms upstream');
try {
  results.proxy = await measureProxy({ quick, log });
} catch (error) {
  results.proxy = { error: String(error) };
}
results.machine.loadAverageAtEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
results.durationS = Math.round((Date.now() - started) / 1000);

const outJson = quick ? join(OUT, 'bench-results.quick.json') : join(ROOT, 'bench-results.json');
const outMd = quick ? join(OUT, 'BENCHMARKS.quick.md') : join(ROOT, 'BENCHMARKS.md');
writeFileSync(outJson, JSON.stringify(results, null, 2) + '\n');
writeFileSync(outMd, renderMarkdown(results));
log(`wrote ${outMd} and ${outJson} in ${results.durationS} s`);
