// Bundles an app the way a consumer would ship it: esbuild, format esm,
// platform browser, minified. trace-feedback's .wasm is not inlined: the
// Emscripten glue fetches it from `new URL('trace_feedback_core.wasm',
// import.meta.url)`, so it is copied next to the bundle and counted as a
// separate file. Code splitting is on, so a library's lazily imported
// chunks are told apart from what loads up front (the entry chunk and what
// it imports statically; our wasm when the glue is among those).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const WASM = join(ROOT, 'dist', 'trace_feedback_core.wasm');
/** The edit diff module: fetched by the lazily loaded client (or the first edit), never up front. */
export const DIFF_WASM = join(ROOT, 'dist', 'trace_feedback_diff.wasm');

/** `import ... from 'trace-feedback'` resolves to this checkout's dist/, like an installed package. */
const selfPackage = {
  name: 'trace-feedback-self',
  setup(b) {
    b.onResolve({ filter: /^trace-feedback$/ }, () => ({ path: join(ROOT, 'dist', 'index.js') }));
    b.onResolve({ filter: /^trace-feedback\/server$/ }, () => ({ path: join(ROOT, 'dist', 'server', 'index.js') }));
  },
};

/** gzip -9 size (zlib deflate level 9, the same compressor gzip uses). */
export const gzip9 = (buf) => gzipSync(buf, { level: 9 }).length;

/**
 * Bundles `entry` into `outdir` (emptied first). Returns the esbuild
 * metafile and per-file sizes: `initial` is the entry chunk and what it
 * imports statically, `lazy` the chunks only reached by dynamic import().
 */
export async function bundleApp(entry, outdir, { minify = true, withWasm = false, define = {} } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: { app: entry },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    splitting: true,
    metafile: true,
    write: true,
    logLevel: 'silent',
    legalComments: 'none',
    plugins: [selfPackage],
    define: { 'process.env.NODE_ENV': '"production"', ...define },
  });
  const outputs = result.metafile.outputs;
  const byRel = new Map(Object.entries(outputs).map(([p, o]) => [resolve(process.cwd(), p), o]));
  // Chunks reached by import() are entry points too: the app is app.js.
  const entryOut = [...byRel.keys()].find((p) => basename(p) === 'app.js');
  const initial = new Set();
  const stack = [entryOut];
  while (stack.length) {
    const p = stack.pop();
    if (initial.has(p)) continue;
    initial.add(p);
    for (const imp of byRel.get(p).imports) {
      if (imp.kind === 'import-statement' && !imp.external) stack.push(resolve(process.cwd(), imp.path));
    }
  }
  const files = [];
  for (const [p, o] of byRel) {
    if (!p.endsWith('.js')) continue;
    const buf = readFileSync(p);
    files.push({ file: basename(p), bytes: buf.length, gzip: gzip9(buf), initial: initial.has(p), inputs: o.inputs });
  }
  if (withWasm) {
    copyFileSync(WASM, join(outdir, basename(WASM)));
    const buf = readFileSync(WASM);
    // The Emscripten glue fetches the .wasm as soon as it runs: the wasm is
    // up front exactly when the chunk holding the glue is.
    const glueUpFront = files.some((f) => f.initial && Object.keys(f.inputs).some((i) => i.endsWith('trace_feedback_core.mjs')));
    files.push({ file: basename(WASM), bytes: buf.length, gzip: gzip9(buf), initial: glueUpFront, wasm: true });
    // Fetched next to the chunk (web/diff-wasm-url.ts), like the core's.
    copyFileSync(DIFF_WASM, join(outdir, basename(DIFF_WASM)));
    const diff = readFileSync(DIFF_WASM);
    files.push({ file: basename(DIFF_WASM), bytes: diff.length, gzip: gzip9(diff), initial: false, wasm: true });
  }
  return { files, metafile: result.metafile, warnings: result.warnings };
}
