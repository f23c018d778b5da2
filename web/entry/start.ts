// The part of the library the loader facade fetches lazily: the wasm core,
// the client and its delivery loop. Only reached through a dynamic
// import() (from init(), loadCore() and createFeedback()), so a bundler
// puts it, the Emscripten glue and the .wasm into their own chunk, off the
// first paint.
import { FeedbackClient, transportFor, type Feedback } from '../client.js';
import { loadCoreWith, type LoadOptions } from '../core/loader.js';
import type { CoreModule } from '../core/module.js';
import { loadDiffModuleWith } from '../diff/loader.js';
import type { EarlyWasm } from './early.js';
import { validateFeedback } from '../validate/index.js';
import type { InitOptions } from './options.js';
import { registerValidator } from './validate.js';

registerValidator(validateFeedback);

/**
 * Loads the core (cached) and starts one client; what `init()` resolves to.
 * With `diff` (init()), the edit diff module loads in parallel and is
 * awaited too, so the client's edit() and diff() are synchronous; the lean
 * facade passes false and loads it on the first edit() or attach().
 * `wasm`: the fetches the caller started with this chunk's import()
 * (earlyWasm() with the same options), instantiated here.
 */
export async function startClient<F extends object = Feedback>(
  options: InitOptions<F>,
  { diff = true, wasm = {} }: { diff?: boolean; wasm?: EarlyWasm } = {},
): Promise<FeedbackClient<F>> {
  const { transport, oneUpdatePerRequest } = transportFor(options as InitOptions);
  // Settled, not awaited as a rejection: a broken diff file must not stop
  // ratings and comments. The client retries it below, which reports the
  // failure to onError (diff() then names `await client.loadDiff()`).
  const diffLoad = diff ? loadDiffModuleWith(options, wasm.diff).then(() => true, () => false) : undefined;
  const module = await loadCoreWith(options, wasm.core);
  const client = new FeedbackClient<F>(module, options, transport, oneUpdatePerRequest);
  if (diffLoad && !(await diffLoad)) await client.loadDiff().catch(() => {});
  await client.start(options);
  return client;
}

/** The cached core load, for the lean entry's loadCore(), with the compile it started. */
export function loadCore(options: LoadOptions, early?: Promise<WebAssembly.Module>): Promise<CoreModule> {
  return loadCoreWith(options, early);
}
