// The options of init() and createFeedback(): the client's and the loader's.
// Type-only, so the facade can name them without pulling the client in.
import type { ClientOptions, Feedback } from '../client.js';
import type { LoadOptions } from '../core/loader.js';
import type { DiffLoadOptions } from '../diff/loader.js';

/**
 * Everything `init()` and `createFeedback()` accept: the client options
 * (transport, delivery, persistence, callbacks) and where the `.wasm` files
 * come from (the core: `wasmUrl`/`wasmBinary`; the edit diff, loaded only
 * when edits are diffed: `diffWasmUrl`/`diffWasmBinary`).
 *
 * @example
 * ```ts
 * const options: InitOptions = { endpoint: '/feedback', persistence: 'auto' };
 * const feedback = createFeedback(options);
 * ```
 */
export interface InitOptions<F extends object = Feedback> extends ClientOptions<F>, LoadOptions, DiffLoadOptions {}
