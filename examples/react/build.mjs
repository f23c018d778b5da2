#!/usr/bin/env node
// Bundles the React example (src/main.jsx) with esbuild into dist/app.js,
// React 18 taken from the repo's node_modules, `trace-feedback/react` from
// this checkout's dist/ (as an installed package would resolve). The wasm
// comes from the library the demo server serves at /dist/ (wasmUrl in
// main.jsx).
//   node examples/react/build.mjs [--dev]

import { build as esbuild } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const HERE = fileURLToPath(new URL('.', import.meta.url));

const ROOT = join(HERE, '..', '..');

/** @type {import('esbuild').Plugin} */
const libraryFromDist = {
  name: 'trace-feedback-from-dist',
  setup(b) {
    b.onResolve({ filter: /^trace-feedback\/react$/ }, () => ({ path: join(ROOT, 'dist', 'react', 'index.js') }));
  },
};

/**
 * @param {{ dev?: boolean, quiet?: boolean }} [options]
 * @returns {Promise<string>} the bundle's path
 */
export async function build({ dev = false, quiet = false } = {}) {
  const outfile = join(HERE, 'dist', 'app.js');
  await esbuild({
    entryPoints: [join(HERE, 'src', 'main.jsx')],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'es2020',
    jsx: 'automatic',
    minify: !dev,
    sourcemap: true,
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
    plugins: [libraryFromDist],
    logLevel: quiet ? 'error' : 'info',
  });
  return outfile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await build({ dev: process.argv.includes('--dev') });
}
