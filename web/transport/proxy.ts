// The default, recommended transport: batches go to the app's own endpoint
// (the reference proxy in trace-feedback/server, or any server speaking
// the same format), which holds the HoneyHive key. No secret in the page.
//
// Request:  POST {endpoint}  {"updates":[{"id","event_id","feedback"}], "token"?}
// Response: 200 {"results":[{"id","status","code"?,"retryAfter"?}]}, one per
//           update, so a partial failure retries only what failed. Any other
//           status applies to every update of the batch (its `code`, e.g.
//           401 "token_expired", is kept on each).
// Hidden page: navigator.sendBeacon with text/plain (CORS-simple, no
// preflight); the engine keeps each request under 60 KB.
// The shape of a 200 is checked by the client (delivery/answers.ts), for
// every transport alike; this file only turns HTTP into results.
import { allFailed, failureCause, fetchWithTimeout, type FetchLike, type Transport, type WireRequest, type WireResult } from './types.js';

/**
 * Options of {@link proxyTransport} (init() builds them from its own).
 *
 * @example
 * ```ts
 * const options: ProxyTransportOptions = { endpoint: '/feedback', token: () => sessionStorage.getItem('feedback-token') ?? undefined };
 * ```
 */
export interface ProxyTransportOptions {
  /** URL batches are POSTed to, e.g. "/feedback". */
  endpoint: string;
  /** Extra headers for normal (non-beacon) requests. */
  headers?: Record<string, string> | (() => Record<string, string>);
  /**
   * A signed feedback token minted by the app's server; sent in the body.
   * A function is called for every request, and again when the proxy
   * answers 401 `token_expired` (the updates are then resent once at once).
   */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** fetch's `credentials` for normal requests (default "same-origin"). */
  credentials?: RequestCredentials;
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: FetchLike;
}

function valueOf<T>(v: T | (() => T)): T {
  return typeof v === 'function' ? (v as () => T)() : v;
}

interface Answer {
  status: number;
  retryAfter: string | undefined;
  text: string;
}

// A whole-batch error body is small ({ error, code }); more is not read.
const MAX_ERROR_BODY = 4096;

function codeOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text.slice(0, MAX_ERROR_BODY)) as { code?: unknown };
    return typeof body?.code === 'string' && /^[a-z_]{1,64}$/.test(body.code) ? body.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The default transport: POSTs each request as `{ updates, token? }` to your
 * own endpoint (the reference proxy of `trace-feedback/server`), which holds
 * the HoneyHive key; uses sendBeacon when the page is hidden.
 *
 * @example
 * ```ts
 * import { init, proxyTransport } from 'trace-feedback/full';
 * const client = await init({ transport: proxyTransport({ endpoint: 'https://api.example.com/feedback', credentials: 'include' }) });
 * ```
 */
export function proxyTransport(options: ProxyTransportOptions): Transport {
  const endpoint = options.endpoint;
  const refreshable = typeof options.token === 'function';

  const post = async (request: WireRequest, hidden: boolean, timeoutMs: number) => {
    // Awaited only when it is a promise: a pagehide beacon must go out in
    // the handler's own task, not after a turn of the event loop.
    const raw = options.token === undefined ? undefined : valueOf(options.token);
    const token = raw instanceof Promise ? await raw : raw;
    // The core's text as it is (built once, in C++); a request made
    // elsewhere is serialized here. The token goes in before the closing
    // brace, so the batch is not parsed or re-serialized for it.
    const batch = request.body ?? JSON.stringify({ updates: request.updates });
    const body = token ? `${batch.slice(0, -1)},"token":${JSON.stringify(token)}}` : batch;
    const nav = (globalThis as { navigator?: Navigator }).navigator;
    if (hidden && nav && typeof nav.sendBeacon === 'function') {
      try {
        if (nav.sendBeacon(endpoint, new Blob([body], { type: 'text/plain;charset=UTF-8' }))) return null;
      } catch {
        // fall through to keepalive fetch
      }
    }
    const fetchFn = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (!fetchFn) return 'no fetch available';
    return fetchWithTimeout<Answer>(
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
      // The body is read within the timeout too.
      async (res) => ({ status: res.status, retryAfter: res.headers.get('retry-after') ?? undefined, text: await res.text() }),
    );
  };

  return async (request, { hidden, timeoutMs }) => {
    let answer = await post(request, hidden, timeoutMs);
    if (answer === null) return null;
    if (typeof answer === 'string') return allFailed(request, 0, undefined, answer);
    if (answer.failed) return allFailed(request, 0, undefined, failureCause('POST', endpoint, answer, timeoutMs));
    let { status, retryAfter, text } = answer.value;
    let code = status === 200 ? undefined : codeOf(text);
    if (status === 401 && code === 'token_expired' && refreshable) {
      // A fresh token from the app, and the same updates again: an expired
      // token is not the updates' failure.
      answer = await post(request, hidden, timeoutMs);
      if (answer === null) return null;
      if (typeof answer === 'string') return allFailed(request, 0, undefined, answer);
      if (answer.failed) return allFailed(request, 0, undefined, failureCause('POST', endpoint, answer, timeoutMs));
      ({ status, retryAfter, text } = answer.value);
      code = status === 200 ? undefined : codeOf(text);
      if (status === 401 && code === 'token_expired') {
        // Still expired: retried later by the normal backoff (the app may be
        // fetching a new one), never dead-lettered as rejected for it.
        return allFailed(request, 0, undefined, 'token_expired: token() returned an expired token again', 'token_expired');
      }
    }
    if (status !== 200) {
      return allFailed(request, status, retryAfter, `proxy answered ${status}${code ? ` ${code}` : ''} (POST ${endpoint})`, code);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return allFailed(request, 0, undefined, 'proxy answered 200 without JSON results');
    }
    const results = (parsed as { results?: unknown } | null)?.results;
    if (!Array.isArray(results)) return allFailed(request, 0, undefined, 'proxy answered 200 without a results array');
    // Passed on as they are: the client checks the shape for every transport.
    return results as WireResult[];
  };
}
