// init() and loadCore() for the lean entries: both reach the client and
// the core only through a dynamic import() of entry/start.ts.
import type { CoreModule } from '../core/module.js';
import type { Feedback, FeedbackClient } from '../client.js';
import type { LoadOptions } from '../core/loader.js';
import type { InitOptions } from './options.js';
import { earlyWasm } from './early.js';

/**
 * Loads the wasm core (once per page; later calls reuse it) and starts a
 * client: persistence opened, queues of closed tabs adopted, delivery loop
 * running. Rejects with TraceFeedbackError on bad options or a wasm that
 * cannot load. For a handle usable before anything has loaded, see
 * {@link createFeedback}.
 *
 * @example
 * ```ts
 * import { init } from 'trace-feedback';
 * const client = await init({ endpoint: '/feedback' });
 * client.enrichSpan({ eventId, feedback: { rating: true } }); // throws FeedbackValidationError on bad input
 * ```
 */
export async function init<F extends object = Feedback>(options: InitOptions<F> = {}): Promise<FeedbackClient<F>> {
  // Both .wasm files are fetched and compiled while the chunk loads, not after.
  const wasm = earlyWasm(options, { diff: true });
  const { startClient } = await import('./start.js');
  return startClient<F>(options, { wasm });
}

/**
 * Loads the wasm core once per page (later calls get the same promise),
 * e.g. to call {@link validateFeedback} in a browser before any client exists.
 *
 * @example
 * ```ts
 * await loadCore({ wasmUrl: '/assets/trace_feedback_core.wasm' });
 * validateFeedback({ rating: true }); // { ok: true, errors: [] }
 * ```
 */
export function loadCore(options: LoadOptions = {}): Promise<CoreModule> {
  if (started) return started.loadCore(options);
  // One promise until the part loads, as the loader keeps one per page;
  // dropped on failure so a later call may retry (e.g. with wasmUrl).
  if (!pendingCore) {
    const { core } = earlyWasm(options, { diff: false });
    pendingCore = import('./start.js').then((m) => m.loadCore(options, core));
  }
  pendingCore.catch(() => (pendingCore = undefined));
  return pendingCore;
}

let started: typeof import('./start.js') | undefined;

/** Node's entry loads the part up front (see index.ts); later calls then skip the import. */
/** @internal */
export function preloaded(mod: typeof import('./start.js')): void {
  started = mod;
}
let pendingCore: Promise<CoreModule> | undefined;

