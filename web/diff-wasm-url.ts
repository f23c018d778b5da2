// Where trace_feedback_diff.wasm is by default: next to this file, as the
// core's .wasm is next to the Emscripten glue. At the top of dist/ (not in
// dist/diff/) on purpose: a bundler that copies nothing (esbuild, the
// single-file build in scripts/build-browser.mjs) puts this code in a chunk
// next to which the .wasm is copied, and one that follows the literal
// (Vite, webpack) finds the file either way.
export function defaultDiffWasmUrl(): URL {
  return new URL('trace_feedback_diff.wasm', import.meta.url);
}
