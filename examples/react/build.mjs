#!/usr/bin/env node
// Bundles the React example (src/main.jsx) with esbuild into dist/app.js,
// React 18 taken from the repo's node_modules. `trace-feedback` stays an
// import of the library the demo server serves at /dist/index.js: the wasm
// is loaded relative to that module, as it would be from a CDN-free app
// that serves the package's dist/ as static files.
//   node examples/react/build.mjs [--dev]

import { build as esbuild } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** @type {import('esbuild').Plugin} */
const libraryAsServedModule = {
  name: 'trace-feedback-as-served-module',
  setup(b) {
    b.onResolve({ filter: /^trace-feedback$/ }, () => ({ path: '/dist/index.js', external: true }));
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
    plugins: [libraryAsServedModule],
    logLevel: quiet ? 'error' : 'info',
  });
  return outfile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await build({ dev: process.argv.includes('--dev') });
}
