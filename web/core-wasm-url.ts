// Where trace_feedback_core.wasm is by default: next to this file, as the
// Emscripten glue expects it (dist/trace_feedback_core.mjs looks beside
// itself). At the top of dist/ for the reason web/diff-wasm-url.ts gives:
// the up-front entry starts the fetch (web/entry/early.ts), so this literal
// lands in the app's first chunk; esbuild, which copies nothing and leaves
// the URL to run time, resolves it next to that chunk (where the .wasm is
// copied beside the glue's chunk), and Vite / webpack follow the literal.
export function defaultCoreWasmUrl(): URL {
  return new URL('trace_feedback_core.wasm', import.meta.url);
}
