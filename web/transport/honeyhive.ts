// Direct transport to HoneyHive's data plane. It needs the project API key
// in the page, so it is an explicit opt-in (dangerouslyAllowBrowserKey in
// browsers) and warns once. One request per target per flush (the engine is
// configured with oneUpdatePerRequest), bounded by maxInFlightRequests.
//   PUT {serverUrl}/v1/events/{event_id}  {"feedback": {...}}
//   legacy: PUT {serverUrl}/events        {"event_id", "feedback"}
// Hidden page: fetch(..., { keepalive: true }) within the 64 KiB budget.
import { isUuid } from '../ids.js';
import { allFailed, failureCause, fetchWithTimeout, UPDATE_BODIES, type FetchLike, type BuiltBodies, type Transport, type WireRequest, type WireUpdate } from './types.js';

export const DEFAULT_SERVER_URL = 'https://api.dp1.us.honeyhive.ai';

/**
 * Options of {@link honeyhiveTransport} (init() builds them from its
 * `apiKey`, `serverUrl`, `legacy` and `fetch`).
 *
 * @example
 * ```ts
 * const options: HoneyHiveTransportOptions = { apiKey: process.env.HH_API_KEY!, serverUrl: 'https://api.dp1.us.honeyhive.ai' };
 * ```
 */
export interface HoneyHiveTransportOptions {
  /** HoneyHive project key, sent as a bearer token. */
  apiKey: string;
  /** Data plane URL (default https://api.dp1.us.honeyhive.ai). */
  serverUrl?: string;
  /** Use the legacy `PUT {serverUrl}/events` with `event_id` in the body. */
  legacy?: boolean;
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: FetchLike;
}

/**
 * The direct transport: one `PUT {serverUrl}/v1/events/{event_id}` per
 * update, with the key as a bearer token. For servers: in a page the key is
 * visible to every user (init's `transport: "honeyhive"` therefore asks for
 * `dangerouslyAllowBrowserKey`); prefer the proxy there.
 *
 * @example
 * ```ts
 * // in Node, e.g. a backend job
 * const client = await init({ transport: honeyhiveTransport({ apiKey: process.env.HH_API_KEY! }) });
 * ```
 */
export function honeyhiveTransport(options: HoneyHiveTransportOptions): Transport {
  const base = (options.serverUrl ?? DEFAULT_SERVER_URL).replace(/\/+$/, '');
  return async (request, { hidden, timeoutMs }) => {
    const fetchFn = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (!fetchFn) return allFailed(request, 0, undefined, 'no fetch available');
    const results = [];
    // The bodies the client's core built for this wire, sent as they are
    // (nothing parsed or serialized here); a request from elsewhere is
    // serialized from its updates.
    const built = (request as WireRequest & { [UPDATE_BODIES]?: BuiltBodies })[UPDATE_BODIES];
    const updates = built ? undefined : request.updates;
    const count = built ? built.ids.length : (updates as WireRequest['updates']).length;
    // Normally one update; sequential if a custom engine config sends more.
    for (let i = 0; i < count; i++) {
      const u = built ? { id: built.ids[i], event_id: built.eventIds[i] } : (updates as WireRequest['updates'])[i];
      // Ids go into a URL: re-checked here, whatever the queue held.
      if (!isUuid(u.event_id)) {
        results.push({ id: u.id, status: 400, error: 'event_id is not a UUID' });
        continue;
      }
      const url = options.legacy ? `${base}/events` : `${base}/v1/events/${encodeURIComponent(u.event_id)}`;
      const body = built
        ? built.bodies[i]
        : JSON.stringify(options.legacy ? { event_id: u.event_id, feedback: (u as WireUpdate).feedback } : { feedback: (u as WireUpdate).feedback });
      const res = await fetchWithTimeout(
        fetchFn,
        url,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` },
          body,
          keepalive: hidden,
        },
        timeoutMs,
        // The status is the whole answer: the body is not waited for.
        async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after') ?? undefined }),
      );
      if (res.failed) {
        results.push({ id: u.id, status: 0, error: failureCause('PUT', url, res, timeoutMs) });
        continue;
      }
      const { status, retryAfter } = res.value;
      results.push({
        id: u.id,
        status,
        ...(retryAfter ? { retryAfter } : {}),
        // HoneyHive answers 404 for an event not ingested yet.
        ...(status === 404 ? { code: 'unknown_event' } : {}),
        ...(status < 200 || status > 299 ? { error: `HoneyHive answered ${status} (PUT ${url})` } : {}),
      });
    }
    return results;
  };
}
