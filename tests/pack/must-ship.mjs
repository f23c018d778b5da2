// Shared by the pack tests (no tests here).
// What a complete package holds: every entry in `exports`, the wasm, the types, the license.
export const MUST_SHIP = [
  'package.json', 'README.md', 'LICENSE',
  'dist/index.js', 'dist/index.d.ts', 'dist/facade.js', 'dist/entry/start.js', 'dist/entry/full.js',
  'dist/trace_feedback_core.mjs', 'dist/trace_feedback_core.wasm', 'dist/trace_feedback_diff.wasm',
  'dist/server/index.js', 'dist/server/index.d.ts',
  'dist/react/index.js', 'dist/react/index.d.ts', 'dist/element/index.js', 'dist/element/index.d.ts',
  'dist/browser/trace-feedback.js', 'dist/browser/trace-feedback.esm.js', 'dist/browser/trace_feedback_core.wasm',
  'dist/browser/trace_feedback_diff.wasm',
];
