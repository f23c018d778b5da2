// Starts fetching and compiling the .wasm files the moment a load starts
// (init(), loadCore(), createFeedback()'s load), in parallel with the
// dynamic import() of entry/start.ts, instead of after it: the loaders
// there only instantiate what was compiled meanwhile. In the up-front
// chunk, so it is small and imports neither loader (types only).
//
// One fetch per file per page: a module that compiled is kept until a
// loader holds its instance (a second load, another handle, reuses it), one
// that failed is forgotten (the next load, e.g. the facade's retry, fetches
// again), and once a loader has its instance nothing is fetched early any
// more (it would be thrown away).
import type { LoadOptions } from '../core/loader.js';
import type { DiffLoadOptions } from '../diff/loader.js';
import { defaultCoreWasmUrl } from '../core-wasm-url.js';
import { defaultDiffWasmUrl } from '../diff-wasm-url.js';
import { fetchCompiled } from '../wasm-fetch.js';
import { inNode } from '../node-fs.js';

/** The compiles started for one load, handed to startClient(). */
export interface EarlyWasm {
  core?: Promise<WebAssembly.Module>;
  diff?: Promise<WebAssembly.Module>;
}

interface Slot {
  compiled?: Promise<WebAssembly.Module>;
  /** The loader holds an instance: fetch nothing more. */
  loaded: boolean;
}

const core: Slot = { loaded: false };
const diff: Slot = { loaded: false };

/**
 * Node (no fetch of file URLs: the loaders read from disk) keeps its own
 * path, as does a runtime without fetch.
 */
function fetchable(): boolean {
  return !inNode() && typeof fetch === 'function' && typeof WebAssembly === 'object';
}

function start(slot: Slot, url: string | URL): Promise<WebAssembly.Module> | undefined {
  if (slot.loaded || !fetchable()) return undefined;
  if (!slot.compiled) {
    const compiled = fetchCompiled(String(url));
    slot.compiled = compiled;
    // Handled here too: the import() of the loader may fail before anyone awaits it.
    compiled.catch(() => {
      if (slot.compiled === compiled) slot.compiled = undefined;
    });
  }
  return slot.compiled;
}

/**
 * The compiles to start for a load with `options`: the core unless the app
 * hands it over (wasmModule, wasmBinary win, as in the loader), from
 * wasmUrl or the default URL; the diff module only when asked (init(); the
 * facade loads it on the first edit or attach) and not given as bytes.
 */
export function earlyWasm(options: LoadOptions & DiffLoadOptions, { diff: withDiff }: { diff: boolean }): EarlyWasm {
  const out: EarlyWasm = {};
  if (!options.wasmModule && !options.wasmBinary) out.core = start(core, options.wasmUrl ?? defaultCoreWasmUrl());
  if (withDiff && !options.diffWasmBinary) out.diff = start(diff, options.diffWasmUrl ?? defaultDiffWasmUrl());
  return out;
}

/** The loaders say so once they hold an instance (whatever it came from). */
/** @internal */
export function wasmLoaded(which: 'core' | 'diff'): void {
  const slot = which === 'core' ? core : diff;
  slot.loaded = true;
  slot.compiled = undefined;
}
