// Loads trace_feedback_diff.wasm once per page (or Node process). It is
// off the default path: init() loads it beside the core, the lean facade
// and the DOM capture only when an edit needs it. Browsers stream it from
// next to this file (bundlers follow the literal `new URL`), or from
// `diffWasmUrl`; Node reads it from disk. A failed load is not cached: the
// next use tries again.
import { TraceFeedbackError } from '../errors.js';
import { DiffModule, diffImports } from './module.js';
import { defaultDiffWasmUrl } from '../diff-wasm-url.js';
import { nodeFs } from '../node-fs.js';

/**
 * Where the diff module comes from (options of `init()` / `createFeedback()`
 * next to `wasmUrl` / `wasmBinary`). With neither it is fetched from next to
 * the package's files (Node reads it from disk).
 *
 * @example
 * ```ts
 * const client = await init({ endpoint: '/feedback', diffWasmUrl: '/static/trace_feedback_diff.wasm' });
 * ```
 */
export interface DiffLoadOptions {
  /** Where to fetch trace_feedback_diff.wasm from (default: next to the package's files). */
  diffWasmUrl?: string | URL;
  /** Its bytes, when the app already has them (skips any fetch). */
  diffWasmBinary?: ArrayBuffer | Uint8Array;
}

const WASM_FILE = 'trace_feedback_diff.wasm';
let loading: Promise<DiffModule> | undefined;
let loaded: DiffModule | undefined;

async function instantiate(options: DiffLoadOptions): Promise<DiffModule> {
  const imports = diffImports();
  if (options.diffWasmBinary) {
    return new DiffModule((await WebAssembly.instantiate(options.diffWasmBinary as BufferSource, imports)).instance);
  }
  const fs = options.diffWasmUrl === undefined ? nodeFs() : undefined;
  if (fs) {
    const bytes = fs.readFileSync(defaultDiffWasmUrl());
    return new DiffModule((await WebAssembly.instantiate(bytes as BufferSource, imports)).instance);
  }
  const url = String(options.diffWasmUrl ?? defaultDiffWasmUrl());
  const r = await fetch(url);
  if (!r.ok) throw new Error(`HTTP ${r.status} for ${url}`);
  // Streamed (compiled while it downloads) when served as application/wasm;
  // from the bytes otherwise, which instantiateStreaming would refuse.
  if (typeof WebAssembly.instantiateStreaming === 'function' && /^application\/wasm\b/i.test(r.headers.get('content-type') ?? '')) {
    return new DiffModule((await WebAssembly.instantiateStreaming(r, imports)).instance);
  }
  return new DiffModule((await WebAssembly.instantiate(await r.arrayBuffer(), imports)).instance);
}

/**
 * Loads the diff module once; later calls get the same promise. A failed
 * load rejects with TraceFeedbackError `wasm_load_failed` and is forgotten,
 * so the next call retries.
 */
export function loadDiffModule(options: DiffLoadOptions = {}): Promise<DiffModule> {
  if (!loading) {
    loading = instantiate(options).then(
      (m) => (loaded = m),
      (e: unknown) => {
        loading = undefined;
        throw new TraceFeedbackError(
          'wasm_load_failed',
          `could not load ${WASM_FILE} (${String(e)}); pass diffWasmUrl or diffWasmBinary`,
        );
      },
    );
  }
  return loading;
}

/** The diff module if it has loaded, else undefined. */
export function diffModule(): DiffModule | undefined {
  return loaded;
}
