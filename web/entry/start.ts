// The part of the library the loader facade fetches lazily: the wasm core,
// the client and its delivery loop. Only reached through a dynamic
// import() (from init(), loadCore() and createFeedback()), so a bundler
// puts it, the Emscripten glue and the .wasm into their own chunk, off the
// first paint.
import { FeedbackClient, transportFor, type Feedback } from '../client.js';
import { loadCore as loadCoreNow, type LoadOptions } from '../core/loader.js';
import type { CoreModule } from '../core/module.js';
import { validateFeedback } from '../validate/index.js';
import type { InitOptions } from './options.js';
import { registerValidator } from './validate.js';

registerValidator(validateFeedback);

/** Loads the core (cached) and starts one client; what `init()` resolves to. */
export async function startClient<F extends object = Feedback>(options: InitOptions<F>): Promise<FeedbackClient<F>> {
  const { transport, oneUpdatePerRequest } = transportFor(options as InitOptions);
  const module = await loadCoreNow(options);
  const client = new FeedbackClient<F>(module, options, transport, oneUpdatePerRequest);
  await client.start(options);
  return client;
}

/** The cached core load, for the lean entry's loadCore(). */
export function loadCore(options: LoadOptions): Promise<CoreModule> {
  return loadCoreNow(options);
}
