// Loads trace_feedback_diff.wasm once per page (or Node process). It is
// off the default path: init() loads it beside the core, the lean facade
// and the DOM capture only when an edit needs it. Browsers stream it from
// next to this file (bundlers follow the literal `new URL`), or from
// `diffWasmUrl` (init() starts that fetch and compile before this chunk has
// loaded: web/entry/early.ts); Node reads it from disk. A failed load is
// not cached: the next use tries again.
import { TraceFeedbackError } from '../errors.js';
import { DiffModule, diffImports } from './module.js';
import { defaultDiffWasmUrl } from '../diff-wasm-url.js';
import { nodeFs } from '../node-fs.js';
import { fetchCompiled } from '../wasm-fetch.js';
import { wasmLoaded } from '../entry/early.js';

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

async function instantiate(options: DiffLoadOptions, early: Promise<WebAssembly.Module> | undefined): Promise<DiffModule> {
  const imports = diffImports();
  if (options.diffWasmBinary) {
    return new DiffModule((await WebAssembly.instantiate(options.diffWasmBinary as BufferSource, imports)).instance);
  }
  const fs = options.diffWasmUrl === undefined ? nodeFs() : undefined;
  if (fs) {
    const bytes = fs.readFileSync(defaultDiffWasmUrl());
    return new DiffModule((await WebAssembly.instantiate(bytes as BufferSource, imports)).instance);
  }
  const module = await (early ?? fetchCompiled(String(options.diffWasmUrl ?? defaultDiffWasmUrl())));
  return new DiffModule(await WebAssembly.instantiate(module, imports));
}

/**
 * Loads the diff module once; later calls get the same promise. A failed
 * load rejects with TraceFeedbackError `wasm_load_failed` and is forgotten,
 * so the next call retries.
 */
export function loadDiffModule(options: DiffLoadOptions = {}): Promise<DiffModule> {
  return loadDiffModuleWith(options, undefined);
}

/**
 * loadDiffModule() with the compile init() started early from the same
 * options; ignored when the module is loading or loaded already.
 */
/** @internal */
export function loadDiffModuleWith(options: DiffLoadOptions, early: Promise<WebAssembly.Module> | undefined): Promise<DiffModule> {
  if (!loading) {
    loading = instantiate(options, early).then(
      (m) => {
        wasmLoaded('diff');
        return (loaded = m);
      },
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
