// Loads trace_feedback_core.wasm once per page (or Node process) and caches
// the promise. Browsers fetch the .wasm next to the package's files
// (web/core-wasm-url.ts; bundlers follow its `new URL(..., import.meta.url)`),
// or from `wasmUrl`; the lean entries start that fetch and compile before
// this chunk has loaded (web/entry/early.ts) and hand the compile over.
// Node reads it from disk, because Emscripten 3.1.6's own Node loader
// breaks in ES modules.
import createCore from '../trace_feedback_core.mjs';
import type { CoreModule, CoreModuleOptions } from './module.js';
import { isCoreModule } from './boundary.js';
import { TraceFeedbackError } from '../errors.js';
import { nodeFs } from '../node-fs.js';
import { defaultCoreWasmUrl } from '../core-wasm-url.js';
import { wasmLoaded } from '../entry/early.js';

/**
 * Where the WebAssembly core comes from, for loadCore() (and init()). With
 * neither option it is fetched from next to this module (Node reads it
 * from disk).
 *
 * @example
 * ```ts
 * await loadCore({ wasmUrl: '/static/trace_feedback_core.wasm' });
 * ```
 */
export interface LoadOptions {
  /** Where to fetch the .wasm from (default: next to this module). */
  wasmUrl?: string | URL;
  /** The .wasm bytes, when the app already has them (skips any fetch). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /**
   * The compiled module, for runtimes that hand out .wasm imports as
   * `WebAssembly.Module` and refuse to compile bytes at run time
   * (Cloudflare Workers: `import core from 'trace-feedback/trace_feedback_core.wasm'`).
   * Wins over wasmBinary and wasmUrl.
   */
  wasmModule?: WebAssembly.Module;
}

const WASM_FILE = 'trace_feedback_core.wasm';
let loading: Promise<CoreModule> | undefined;
let loaded: CoreModule | undefined;

function factoryOptions(
  options: LoadOptions,
  early: Promise<WebAssembly.Module> | undefined,
  fail: (e: unknown) => void,
): CoreModuleOptions {
  const out: CoreModuleOptions = {
    // The core prints nothing in normal use; keep stray output off the console.
    print: () => {},
    printErr: () => {},
  };
  if (options.wasmModule) {
    const module = options.wasmModule;
    if (!(module instanceof WebAssembly.Module)) throw new TypeError('wasmModule must be a WebAssembly.Module');
    out.instantiateWasm = (imports, receive) => {
      // Instantiating a Module compiles nothing: allowed where compiling is not.
      WebAssembly.instantiate(module, imports).then(
        (instance) => receive(instance, module),
        fail,
      );
      return {};
    };
  } else if (options.wasmBinary) {
    out.wasmBinary = options.wasmBinary;
  } else if (early) {
    // Fetched and compiled from wasmUrl or the default URL while this chunk
    // loaded: instantiate it, and the glue fetches nothing itself.
    out.instantiateWasm = (imports, receive) => {
      early
        .then((module) => WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module)))
        .catch(fail);
      return {};
    };
  } else if (options.wasmUrl) {
    const url = String(options.wasmUrl);
    out.locateFile = (path) => (path.endsWith('.wasm') ? url : path);
  } else {
    const fs = nodeFs();
    if (fs) out.wasmBinary = fs.readFileSync(defaultCoreWasmUrl());
  }
  return out;
}

/**
 * Loads the core once; later calls get the same promise. A failed load
 * rejects with TraceFeedbackError `wasm_load_failed`.
 *
 * @example
 * ```ts
 * await loadCore(); // e.g. warm up before the first capture
 * ```
 */
export function loadCore(options: LoadOptions = {}): Promise<CoreModule> {
  return loadCoreWith(options, undefined);
}

/**
 * loadCore() with the compile the lean entry started early (web/entry/early.ts)
 * from the same options; ignored when the core is loading or loaded already.
 */
/** @internal */
export function loadCoreWith(options: LoadOptions, early: Promise<WebAssembly.Module> | undefined): Promise<CoreModule> {
  if (!loading) {
    let opts: CoreModuleOptions;
    // Emscripten's factory never settles when instantiateWasm fails: that
    // failure rejects this promise instead.
    let fail: (e: unknown) => void = () => {};
    const failed = new Promise<never>((_, reject) => (fail = reject));
    try {
      opts = factoryOptions(options, early, fail);
    } catch (e) {
      return Promise.reject(new TraceFeedbackError('wasm_load_failed', `could not read ${WASM_FILE}: ${String(e)}`));
    }
    loading = Promise.race([createCore(opts), failed]).then(
      (m) => {
        wasmLoaded('core');
        return (loaded = m);
      },
      (e: unknown) => {
        loading = undefined; // a later call may retry, e.g. with wasmUrl
        throw new TraceFeedbackError(
          'wasm_load_failed',
          `could not load ${WASM_FILE} (${String(e)}); pass init({ wasmUrl }), init({ wasmBinary }) or init({ wasmModule })`,
        );
      },
    );
  }
  return loading;
}

/**
 * The core, if loaded. In Node it is instantiated synchronously on first
 * use, so validateFeedback works without awaiting init(); in browsers
 * `await init()` (or loadCore()) must come first.
 */
export function coreSync(): CoreModule {
  if (loaded) return loaded;
  const fs = nodeFs();
  if (fs && !loading) {
    const bytes = fs.readFileSync(defaultCoreWasmUrl());
    const module = new WebAssembly.Module(bytes as BufferSource);
    const target: CoreModuleOptions & Partial<CoreModule> = {
      print: () => {},
      printErr: () => {},
      instantiateWasm: (imports, receive) => {
        const instance = new WebAssembly.Instance(module, imports);
        receive(instance, module);
        return instance.exports;
      },
    };
    // The factory fills `target` synchronously when instantiation is.
    loading = createCore(target).then((m) => (loaded = m));
    if (isCoreModule(target)) {
      loaded = target;
      return loaded;
    }
  }
  throw new TraceFeedbackError(
    'not_initialized',
    'trace-feedback is not loaded yet: `await init()` (or `await loadCore()`) before validating',
  );
}
