#!/usr/bin/env node
// The single-file browser build, for a <script> tag without a bundler:
//   dist/browser/trace-feedback.js       IIFE, global `TraceFeedback` (+ <feedback-bar> registered)
//   dist/browser/trace-feedback.esm.js   the same as one ES module (<script type="module">)
//   dist/browser/trace_feedback_core.wasm beside them, and
//   dist/browser/trace_feedback_diff.wasm (the edit diff, fetched on first use)
// Built from dist/ after tsc. Lazy parts are inlined (one file, one request
// plus the .wasm files). In the IIFE, import.meta.url (where the Emscripten
// glue and web/diff-wasm-url.ts look for their .wasm) becomes the script's
// own URL, read while it runs: both files sit next to the script.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT = join(ROOT, 'dist/browser');
const entry = join(ROOT, 'dist/entry/browser.js');

mkdirSync(OUT, { recursive: true });
const common = { entryPoints: [entry], bundle: true, minify: true, platform: 'browser', target: 'es2020', legalComments: 'none', logLevel: 'warning' };
await build({
  ...common,
  format: 'iife',
  globalName: 'TraceFeedback',
  outfile: join(OUT, 'trace-feedback.js'),
  // currentScript is only set while the script runs: read it first thing.
  banner: { js: 'var __tfScriptUrl=(typeof document!=="undefined"&&document.currentScript&&document.currentScript.src)||(typeof location!=="undefined"?location.href:"");' },
  define: { 'import.meta.url': '__tfScriptUrl' },
  supported: { 'top-level-await': false },
});
await build({ ...common, format: 'esm', target: 'es2022', outfile: join(OUT, 'trace-feedback.esm.js') });
const WASM = ['trace_feedback_core.wasm', 'trace_feedback_diff.wasm'];
for (const f of WASM) copyFileSync(join(ROOT, 'dist', f), join(OUT, f));
for (const f of ['trace-feedback.js', 'trace-feedback.esm.js', ...WASM]) {
  const p = join(OUT, f);
  console.log(`browser build: dist/browser/${f} ${statSync(p).size} B, ${gzipSync(readFileSync(p), { level: 9 }).length} B gzip`);
}
