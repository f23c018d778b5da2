// Figure 1, size: gzip -9 bytes of what a consumer ships for a minimal app
// (bench/apps/*.mjs), bundled the same way for every library.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { bundleApp, ROOT } from './lib/bundle.mjs';

export const TARGET_BYTES = 40 * 1024;
/** Up front: the entry chunk and its static imports (and the wasm when the glue is among them). */
export const UP_FRONT_TARGET_BYTES = 6 * 1024;

export const SIZE_APPS = [
  { name: 'trace-feedback', pkg: null, app: 'ours.mjs', use: "init() + enrichSpan()" },
  { name: 'langfuse', pkg: 'langfuse', app: 'langfuse.mjs', use: 'new LangfuseWeb().score()' },
  { name: 'posthog-js-lite', pkg: 'posthog-js-lite', app: 'posthog-js-lite.mjs', use: 'new PostHog().capture()' },
  { name: 'posthog-js', pkg: 'posthog-js', app: 'posthog-js.mjs', use: 'posthog.init() + capture()' },
  { name: '@langfuse/client', pkg: '@langfuse/client', app: 'langfuse-client.mjs', use: 'new LangfuseClient().score.create()' },
  { name: '@segment/analytics-next', pkg: '@segment/analytics-next', app: 'segment.mjs', use: 'AnalyticsBrowser.load() + track()' },
  { name: '@sentry/browser', pkg: '@sentry/browser', app: 'sentry.mjs', use: 'init({ feedbackIntegration }) + captureFeedback()' },
  { name: 'langsmith', pkg: 'langsmith', app: 'langsmith.mjs', use: 'new Client().createFeedback()' },
];

export function peerVersion(pkg) {
  if (!pkg) return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

const sum = (files, key, pick = () => true) => files.filter(pick).reduce((s, f) => s + f[key], 0);

/** Our bundle only: total, and JS glue vs Emscripten JS vs wasm. */
export async function measureOurs(outdir) {
  const app = await bundleApp(join(ROOT, 'bench/apps/ours.mjs'), outdir, { withWasm: true });
  const glue = await bundleApp(join(ROOT, 'bench/apps/emscripten-only.mjs'), outdir + '-emscripten');
  const js = app.files.filter((f) => !f.wasm);
  // The core's wasm; the diff module's is in `files` (so in the total, never up front).
  const wasm = app.files.find((f) => f.wasm && f.file === 'trace_feedback_core.wasm');
  const diffWasm = app.files.find((f) => f.wasm && f.file === 'trace_feedback_diff.wasm');
  // Minified bytes per origin, straight from esbuild's metafile.
  let emMin = 0;
  let oursMin = 0;
  for (const f of js) {
    for (const [input, { bytesInOutput }] of Object.entries(f.inputs)) {
      if (input.endsWith('trace_feedback_core.mjs')) emMin += bytesInOutput;
      else oursMin += bytesInOutput;
    }
  }
  const jsGzip = sum(js, 'gzip');
  const emGzip = sum(glue.files, 'gzip');
  const upFront = (f) => f.initial;
  return {
    total: { bytes: sum(app.files, 'bytes'), gzip: sum(app.files, 'gzip') },
    initial: { bytes: sum(app.files, 'bytes', upFront), gzip: sum(app.files, 'gzip', upFront), wasm: wasm.initial },
    js: { bytes: sum(js, 'bytes'), gzip: jsGzip },
    wasm: { bytes: wasm.bytes, gzip: wasm.gzip },
    breakdown: {
      ourJs: { minified: oursMin, gzip: jsGzip - emGzip, gzipNote: 'by difference: app JS minus the Emscripten glue bundled alone' },
      emscriptenJs: { minified: emMin, gzip: emGzip },
      wasm: { bytes: wasm.bytes, gzip: wasm.gzip },
      diffWasm: diffWasm ? { bytes: diffWasm.bytes, gzip: diffWasm.gzip, upFront: diffWasm.initial } : null,
    },
    files: app.files.map(({ inputs, ...f }) => f),
  };
}

export async function measureSizes(outRoot) {
  const rows = [];
  for (const a of SIZE_APPS) {
    const row = { name: a.name, version: peerVersion(a.pkg), use: a.use };
    try {
      if (!a.pkg) {
        Object.assign(row, await measureOurs(join(outRoot, 'ours')));
        row.gzip = row.total.gzip;
        row.initialGzip = row.initial.gzip;
        row.chunks = row.files.length;
      } else {
        const r = await bundleApp(join(ROOT, 'bench/apps', a.app), join(outRoot, a.app.replace('.mjs', '')));
        row.gzip = sum(r.files, 'gzip');
        row.initialGzip = sum(r.files, 'gzip', (f) => f.initial);
        row.bytes = sum(r.files, 'bytes');
        row.chunks = r.files.length;
      }
      row.ok = true;
    } catch (e) {
      row.ok = false;
      row.error = String(e.message ?? e).split('\n').slice(0, 4).join(' ');
    }
    rows.push(row);
  }
  const ours = rows[0];
  return {
    targetBytes: TARGET_BYTES,
    met: ours.ok && ours.gzip <= TARGET_BYTES,
    upFrontTargetBytes: UP_FRONT_TARGET_BYTES,
    upFrontMet: ours.ok && ours.initialGzip <= UP_FRONT_TARGET_BYTES,
    rows,
  };
}
