#!/usr/bin/env node
// Builds the Vue example with Vite + @vitejs/plugin-vue into dist/.
// `trace-feedback/*` resolves to this checkout's dist/, as an installed
// package would; <feedback-bar> is declared a custom element to Vue.
//   node examples/vue/build.mjs
import { build } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(HERE, '../..');

/** @returns {Promise<string>} the output folder */
export async function buildVueExample() {
  const outDir = join(HERE, 'dist');
  await build({
    root: HERE,
    base: './',
    logLevel: 'warn',
    configFile: false,
    plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'feedback-bar' } } })],
    resolve: {
      alias: [
        { find: /^trace-feedback$/, replacement: join(ROOT, 'dist/index.js') },
        { find: /^trace-feedback\/(react|element)$/, replacement: join(ROOT, 'dist/$1/index.js') },
      ],
    },
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  return outDir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await buildVueExample());
}
