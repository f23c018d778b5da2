#!/usr/bin/env node
// Builds the React example with Vite into dist/<name>/. `trace-feedback`
// resolves to this checkout's dist/ (as an installed package would);
// `reactDir` picks the React copy (default: the repo's React 18; the test
// also builds it against React 19 from tests/fixtures/react19).
//   node examples/react-vite/build.mjs [reactNodeModulesDir]
import { build } from 'vite';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(HERE, '../..');

/**
 * @param {{ name?: string, reactDir?: string }} [options] reactDir: a node_modules folder holding react and react-dom
 * @returns {Promise<string>} the output folder
 */
export async function buildReactExample({ name = 'react18', reactDir = join(ROOT, 'node_modules') } = {}) {
  const outDir = join(HERE, 'dist', name);
  await build({
    root: HERE,
    base: './',
    logLevel: 'warn',
    configFile: false,
    oxc: { jsx: { runtime: 'automatic' } },
    resolve: {
      alias: [
        { find: /^trace-feedback$/, replacement: join(ROOT, 'dist/index.js') },
        { find: /^trace-feedback\/(react|element)$/, replacement: join(ROOT, 'dist/$1/index.js') },
        { find: /^(react|react-dom)(\/.*)?$/, replacement: join(reactDir, '$1$2') },
      ],
    },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      rolldownOptions: {
        // 'use client' is for React Server Components bundlers; a client-only build drops it, rightly.
        onwarn(w, warn) {
          if (w.code !== 'MODULE_LEVEL_DIRECTIVE') warn(w);
        },
      },
    },
  });
  return outDir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const reactDir = process.argv[2] ? resolve(process.argv[2]) : undefined;
  console.log(await buildReactExample(reactDir ? { name: 'custom', reactDir } : {}));
}
