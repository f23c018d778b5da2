// The transport init() options ask for: the proxy (default), HoneyHive
// directly (refused in a browser without explicit consent), or the app's own.
import type { ClientOptions } from '../client-types.js';
import { TraceFeedbackError } from '../errors.js';
import { checkOptions } from '../options.js';
import { honeyhiveTransport, DEFAULT_SERVER_URL } from '../transport/honeyhive.js';
import { proxyTransport } from '../transport/proxy.js';
import type { Transport } from '../transport/types.js';
import { isBrowser } from '../env.js';

let warnedBrowserKey = false;

/** Picks the transport from the options; refuses a browser key without consent. @internal */
export function transportFor(options: ClientOptions): { transport: Transport; oneUpdatePerRequest: boolean } {
  // First thing init() does: bad options are refused before anything loads.
  options = checkOptions(options);
  const t = options.transport ?? 'proxy';
  if (typeof t === 'function') return { transport: t, oneUpdatePerRequest: false };
  if (t === 'honeyhive') {
    if (!options.apiKey) throw new TraceFeedbackError('invalid_options', 'transport "honeyhive" needs apiKey');
    if (isBrowser()) {
      if (options.dangerouslyAllowBrowserKey !== true) {
        throw new TraceFeedbackError(
          'browser_key_refused',
          'transport "honeyhive" puts your HoneyHive API key in the page, readable by every user. ' +
            'Use the proxy transport (trace-feedback/server), or pass dangerouslyAllowBrowserKey: true if you accept that.',
        );
      }
      if (!warnedBrowserKey) {
        warnedBrowserKey = true;
        console.warn('[trace-feedback] the HoneyHive API key is in the page (dangerouslyAllowBrowserKey); prefer the proxy transport');
      }
    }
    return {
      transport: honeyhiveTransport({
        apiKey: options.apiKey,
        serverUrl: options.serverUrl ?? DEFAULT_SERVER_URL,
        legacy: options.legacy,
        fetch: options.fetch,
      }),
      oneUpdatePerRequest: true,
    };
  }
  if (t !== 'proxy') throw new TraceFeedbackError('invalid_options', `unknown transport "${String(t)}"`);
  return {
    transport: proxyTransport({
      endpoint: options.endpoint ?? '/feedback',
      headers: options.headers,
      token: options.token,
      fetch: options.fetch,
    }),
    oneUpdatePerRequest: false,
  };
}
