// The default, recommended transport: batches go to the app's own endpoint
// (the reference proxy in trace-feedback/server, or any server speaking
// the same format), which holds the HoneyHive key. No secret in the page.
//
// Request:  POST {endpoint}  {"updates":[{"id","event_id","feedback"}], "token"?}
// Response: 200 {"results":[{"id","status","retryAfter"?,"error"?}]}, one per
//           update, so a partial failure retries only what failed. Any other
//           status applies to every update of the batch.
// Hidden page: navigator.sendBeacon with text/plain (CORS-simple, no
// preflight); the engine keeps each request under 60 KB.
import { allFailed, fetchWithTimeout, type FetchLike, type Transport, type WireResult } from './types.js';

export interface ProxyTransportOptions {
  endpoint: string;
  /** Extra headers for normal (non-beacon) requests. */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** A signed feedback token minted by the app's server; sent in the body. */
  token?: string | (() => string | undefined);
  credentials?: RequestCredentials;
  fetch?: FetchLike;
}

function valueOf<T>(v: T | (() => T)): T {
  return typeof v === 'function' ? (v as () => T)() : v;
}

export function proxyTransport(options: ProxyTransportOptions): Transport {
  const endpoint = options.endpoint;
  return async (request, { hidden, timeoutMs }) => {
    const token = options.token === undefined ? undefined : valueOf(options.token);
    const body = JSON.stringify(token ? { updates: request.updates, token } : { updates: request.updates });
    const nav = (globalThis as { navigator?: Navigator }).navigator;
    if (hidden && nav && typeof nav.sendBeacon === 'function') {
      try {
        if (nav.sendBeacon(endpoint, new Blob([body], { type: 'text/plain;charset=UTF-8' }))) return null;
      } catch {
        // fall through to keepalive fetch
      }
    }
    const fetchFn = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (!fetchFn) return allFailed(request, 0, undefined, 'no fetch available');
    const answer = await fetchWithTimeout(
      fetchFn,
      endpoint,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.headers ? valueOf(options.headers) : {}) },
        body,
        keepalive: hidden,
        credentials: options.credentials ?? 'same-origin',
      },
      timeoutMs,
      // The body is read within the timeout too; only a 200 carries results.
      async (res) => ({ status: res.status, retryAfter: res.headers.get('retry-after') ?? undefined, text: res.status === 200 ? await res.text() : '' }),
    );
    if (!answer) return allFailed(request, 0, undefined, 'network error or timeout');
    if (answer.status !== 200) {
      return allFailed(request, answer.status, answer.retryAfter, `proxy answered ${answer.status}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.text);
    } catch {
      return allFailed(request, 0, undefined, 'proxy answered 200 without JSON results');
    }
    const results = (parsed as { results?: unknown })?.results;
    if (!Array.isArray(results)) return allFailed(request, 0, undefined, 'proxy answered 200 without a results array');
    const out: WireResult[] = [];
    for (const r of results as Array<Record<string, unknown>>) {
      if (!r || typeof r.id !== 'string' || typeof r.status !== 'number') continue;
      out.push({
        id: r.id,
        status: r.status,
        ...(typeof r.retryAfter === 'string' ? { retryAfter: r.retryAfter } : {}),
        ...(typeof r.error === 'string' ? { error: r.error } : {}),
      });
    }
    return out;
  };
}
