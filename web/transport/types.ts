// What a transport is: one request of the delivery engine in, one result
// per update out. Transports never throw and never retry: failures become
// statuses, and the C++ engine decides what happens next.

/**
 * One update on the wire; also the proxy batch item format.
 *
 * @example
 * ```ts
 * const update: WireUpdate = { id: 'tf3k9-12', event_id: '6f1c2a9e-0b7d-4c1e-9a8f-3d2e1b0c4a5f', feedback: { rating: true } };
 * ```
 */
export interface WireUpdate {
  /** Unique per update and stable across retries (idempotency key). */
  id: string;
  /** The event (span or session) the feedback is attached to. */
  event_id: string;
  /** The merged feedback, already validated. */
  feedback: Record<string, unknown>;
}

/**
 * What the engine asks to send at once.
 *
 * @example
 * ```ts
 * const transport: Transport = async (request: WireRequest) => request.updates.map((u) => ({ id: u.id, status: 200 }));
 * ```
 */
export interface WireRequest {
  /** Id of this request, assigned by the engine. */
  id: string;
  /** The updates to send, each answered by one WireResult. */
  updates: WireUpdate[];
  /** Serialized size of {"updates":[...]}. */
  bytes: number;
  /**
   * The proxy batch `{"updates":[...]}` exactly as the core built it (the
   * built-in proxy transport sends this text unchanged). Absent when the
   * client builds HoneyHive bodies instead (transport "honeyhive").
   */
  body?: string;
}

/**
 * What the client's core built for the direct HoneyHive transport: per
 * update, in the order of `updates`, its id, its event id and the body to
 * PUT (`{"feedback":...}`, or `{"event_id","feedback"}` for legacy). A
 * non-enumerable property of the requests the client makes, so the
 * transport reads neither `updates` nor JSON. @internal
 */
export interface BuiltBodies {
  ids: string[];
  eventIds: string[];
  bodies: string[];
}
export const UPDATE_BODIES: unique symbol = Symbol('trace-feedback.updateBodies');

/**
 * Outcome of one update: HTTP status, 0 for a network error or timeout.
 *
 * @example
 * ```ts
 * const result: WireResult = { id: update.id, status: 503, retryAfter: '2', code: 'upstream_unavailable' };
 * ```
 */
export interface WireResult {
  /** The id of the update it answers. */
  id: string;
  /** HTTP status (an integer 100..599), or 0 for a network error or timeout. */
  status: number;
  /** The Retry-After header (seconds or an HTTP date), when the server sent one. */
  retryAfter?: string;
  /** Stable code from the server, e.g. "token_expired", "unknown_event" (see README). */
  code?: string;
  /** Why it failed, in words (kept as the cause of a final error). */
  error?: string;
}

/**
 * The second argument of a {@link Transport}.
 *
 * @example
 * ```ts
 * const transport: Transport = async (request, { hidden, timeoutMs }: SendOptions) => {
 *   const res = await fetch('/feedback', { method: 'POST', body: JSON.stringify({ updates: request.updates }), keepalive: hidden, signal: AbortSignal.timeout(timeoutMs) });
 *   return res.ok ? ((await res.json()) as { results: WireResult[] }).results : request.updates.map((u) => ({ id: u.id, status: res.status }));
 * };
 * ```
 */
export interface SendOptions {
  /** The page is being hidden or unloaded: use sendBeacon / keepalive. */
  hidden: boolean;
  /** Time allowed for this call (`delivery.timeoutMs`); the client enforces it anyway. */
  timeoutMs: number;
}

/**
 * Sends one request. Resolves one result per update (missing ones count as
 * network errors), or `null` when the outcome cannot be known (a beacon was
 * handed to the browser): the updates are then retried later, which the
 * proxy's idempotency by update id makes harmless.
 *
 * @example
 * ```ts
 * // every update goes to your own API; a thrown error would count as a network error
 * const transport: Transport = async (request) => {
 *   const res = await fetch('/api/feedback', { method: 'POST', body: JSON.stringify(request.updates) });
 *   return request.updates.map((u) => ({ id: u.id, status: res.status }));
 * };
 * const client = await init({ transport });
 * ```
 */
export type Transport = (request: WireRequest, options: SendOptions) => Promise<WireResult[] | null>;

/**
 * Minimal fetch signature, so a test or an app can inject its own (the
 * `fetch` option).
 *
 * @example
 * ```ts
 * const logged: FetchLike = (input, init) => { console.debug('feedback ->', input); return fetch(input, init); };
 * const client = await init({ endpoint: '/feedback', fetch: logged });
 * ```
 */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export function allFailed(request: WireRequest, status: number, retryAfter?: string, error?: string, code?: string): WireResult[] {
  return request.updates.map((u) => ({
    id: u.id,
    status,
    ...(retryAfter ? { retryAfter } : {}),
    ...(code ? { code } : {}),
    ...(error ? { error } : {}),
  }));
}

/** How an exchange ended when it produced no answer. */
export interface ExchangeFailure {
  failed: true;
  timedOut: boolean;
  error?: unknown;
}

/**
 * fetch with a timeout that covers the whole exchange, body included:
 * `read` runs under the same deadline (a proxy that sends its headers and
 * then stalls would otherwise keep the request, and every later update to
 * its targets, in flight for the life of the page). Network errors,
 * timeouts and a failing `read` resolve to an ExchangeFailure saying which,
 * so the final error can name the cause. The race also bounds an injected
 * fetch that ignores the abort signal.
 */
export async function fetchWithTimeout<T>(
  fetchFn: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  read: (res: Response) => Promise<T>,
): Promise<{ failed: false; value: T } | ExchangeFailure> {
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<ExchangeFailure>((resolve) => {
    timer = setTimeout(() => {
      controller?.abort();
      resolve({ failed: true, timedOut: true });
    }, timeoutMs);
  });
  const exchange = (async () => {
    const res = await fetchFn(url, controller ? { ...init, signal: controller.signal } : init);
    return { failed: false as const, value: await read(res) };
  })();
  // A late rejection (after the timeout won) must not become an unhandled one.
  exchange.catch(() => {});
  try {
    return await Promise.race([exchange, timeout]);
  } catch (error) {
    return { failed: true, timedOut: false, error };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** The URL as the page resolves it (for messages and the cross-origin test). */
export function absoluteUrl(url: string): string {
  const loc = (globalThis as { location?: { href?: string } }).location;
  try {
    return loc?.href ? new URL(url, loc.href).href : url;
  } catch {
    return url;
  }
}

function crossOrigin(url: string): boolean {
  const loc = (globalThis as { location?: { href?: string; origin?: string } }).location;
  if (!loc?.href || !loc.origin) return false;
  try {
    return new URL(url, loc.href).origin !== loc.origin;
  } catch {
    return false;
  }
}

/**
 * The cause of a failed exchange, for the final error. A browser reports a
 * refused CORS preflight as a bare TypeError, the same as an unreachable
 * server; on a cross-origin endpoint the preflight is the usual culprit, so
 * that is named first.
 */
export function failureCause(method: string, url: string, f: ExchangeFailure, timeoutMs: number): string {
  const where = `${method} ${absoluteUrl(url)}`;
  if (f.timedOut) return `network error or timeout (${where}): no answer within ${timeoutMs} ms`;
  if (f.error instanceof TypeError && crossOrigin(url)) {
    return `CORS preflight refused (${where}): the browser blocked the cross-origin request; the proxy must allow this origin and these headers (or the server is unreachable)`;
  }
  const detail = f.error instanceof Error ? f.error.message : f.error === undefined ? '' : String(f.error);
  return `network error or timeout (${where})${detail ? `: ${detail.slice(0, 200)}` : ''}`;
}
