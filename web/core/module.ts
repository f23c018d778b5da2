// The raw Embind surface of trace_feedback_core.wasm (bindings/embind.cpp).
// Every function returns the envelope text of src/client/envelope.hpp;
// web/core/boundary.ts is the only module that calls these (the `_raw` and
// `core_` names mark wire-level functions) and decodes the envelope.

/** Options the Emscripten factory accepts (INCOMING_MODULE_JS_API in CMakeLists.txt). */
export interface CoreModuleOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
  instantiateWasm?: (
    imports: WebAssembly.Imports,
    receive: (instance: WebAssembly.Instance, module?: WebAssembly.Module) => void,
  ) => WebAssembly.Exports | Record<string, never>;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}

/** A tf::ClientCore in the wasm heap, by number; freed with core_delete() exactly once. */
export type CoreHandle = number;

/**
 * The instantiated WebAssembly core (Embind). Internal: use it through
 * web/core/boundary.ts; exposed so loadCore() has a type.
 *
 * @example
 * ```ts
 * const core: CoreModule = await loadCore();
 * ```
 */
export interface CoreModule {
  validate_raw(feedbackJson: string, limitsJson: string): string;
  merge_raw(intoJson: string, patchJson: string): string;
  core_new(optionsJson: string): CoreHandle;
  core_delete(core: CoreHandle): void;
  core_status(core: CoreHandle): string;
  core_capture(core: CoreHandle, eventId: string, feedbackJson: string, now: number): string;
  core_setSession(core: CoreHandle, sessionId: string, now: number): string;
  core_takeReady(core: CoreHandle, now: number, reason: string): string;
  core_onResult(core: CoreHandle, requestId: string, answer: string, now: number): string;
  core_onRequestFailed(core: CoreHandle, requestId: string, status: number, retryAfter: string, cause: string, now: number): string;
  core_abandonInFlight(core: CoreHandle, now: number): string;
  core_nextWake(core: CoreHandle, now: number): number;
  core_stats(core: CoreHandle): string;
  core_pending(core: CoreHandle): string;
  core_takeDeadLetters(core: CoreHandle): string;
  core_snapshot(core: CoreHandle): string;
  core_restore(core: CoreHandle, snapshotJson: string, now: number): string;
  core_absorb(core: CoreHandle, snapshotJson: string, now: number): string;
}

export type CoreFactory = (options?: CoreModuleOptions) => Promise<CoreModule>;
