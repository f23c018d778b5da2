// The raw Embind surface of trace_feedback_core.wasm. Every function takes
// and returns JSON text (the `_raw` suffix marks wire-level names); the
// typed, friendly API lives in client.ts and validate.ts.

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

/** A bound C++ object; must be delete()d exactly once (client.ts owns it). */
export interface CoreHandle {
  delete(): void;
}

/** tf::ClientCore: feedback limits + the delivery engine (JSON text in and out). */
export interface RawClientCore extends CoreHandle {
  problems(): string;
  capture(eventId: string, feedbackJson: string, now: number): string;
  setSession(sessionId: string, now: number): string;
  takeReady(now: number, reason: 'tick' | 'explicit' | 'hidden'): string;
  /**
   * resultsJson: exactly one `{ id, status, code?, retryAfter? }` per update of the request
   * (status 0 or 100..599; retryAfter a string or seconds). Anything else counts as a failed
   * request for each update (cause `malformed answer: <why>`): never an error, never left in flight.
   */
  onResult(requestId: string, resultsJson: string, now: number): string;
  /** `cause` in words (`network error or timeout (POST https://app/feedback)`); '' lets the engine describe the status. */
  onRequestFailed(requestId: string, status: number, retryAfter: string, cause: string, now: number): string;
  abandonInFlight(now: number): string;
  nextWake(now: number): number;
  stats(): string;
  pending(): string;
  takeDeadLetters(): string;
  snapshot(): string;
  restore(snapshotJson: string, now: number): string;
  absorb(snapshotJson: string, now: number): string;
}

/**
 * The instantiated WebAssembly core (Embind): JSON-in, JSON-out functions
 * the client builds on. Mostly internal; exposed so loadCore() has a type.
 *
 * @example
 * ```ts
 * const core: CoreModule = await loadCore();
 * const { ok } = JSON.parse(core.validate_raw('{"rating":true}', '{}')) as { ok: boolean };
 * ```
 */
export interface CoreModule {
  validate_raw(feedbackJson: string, limitsJson: string): string;
  merge_raw(intoJson: string, patchJson: string): string;
  ClientCore_raw: new (optionsJson: string) => RawClientCore;
}

export type CoreFactory = (options?: CoreModuleOptions) => Promise<CoreModule>;
