// What a transport is: one request of the delivery engine in, one result
// per update out. Transports never throw and never retry: failures become
// statuses, and the C++ engine decides what happens next.

/** One update on the wire; also the proxy batch item format. */
export interface WireUpdate {
  /** Unique per update and stable across retries (idempotency key). */
  id: string;
  event_id: string;
  feedback: Record<string, unknown>;
}

/** What the engine asks to send at once. */
export interface WireRequest {
  id: string;
  updates: WireUpdate[];
  /** Serialized size of {"updates":[...]}. */
  bytes: number;
}

/** Outcome of one update: HTTP status, 0 for a network error or timeout. */
export interface WireResult {
  id: string;
  status: number;
  /** The Retry-After header (seconds or an HTTP date), when the server sent one. */
  retryAfter?: string;
  error?: string;
}

export interface SendOptions {
  /** The page is being hidden or unloaded: use sendBeacon / keepalive. */
  hidden: boolean;
  timeoutMs: number;
}

/**
 * Sends one request. Resolves one result per update (missing ones count as
 * network errors), or `null` when the outcome cannot be known (a beacon was
 * handed to the browser): the updates are then retried later, which the
 * proxy's idempotency by update id makes harmless.
 */
export type Transport = (request: WireRequest, options: SendOptions) => Promise<WireResult[] | null>;

/** Minimal fetch signature, so a test or an app can inject its own. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export function allFailed(request: WireRequest, status: number, retryAfter?: string, error?: string): WireResult[] {
  return request.updates.map((u) => ({ id: u.id, status, ...(retryAfter ? { retryAfter } : {}), ...(error ? { error } : {}) }));
}

/**
 * fetch with a timeout that covers the whole exchange, body included:
 * `read` runs under the same deadline (a proxy that sends its headers and
 * then stalls would otherwise keep the request, and every later update to
 * its targets, in flight for the life of the page). Network errors,
 * timeouts and a failing `read` resolve to undefined. The race also bounds
 * an injected fetch that ignores the abort signal.
 */
export async function fetchWithTimeout<T>(
  fetchFn: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  read: (res: Response) => Promise<T>,
): Promise<T | undefined> {
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      controller?.abort();
      resolve(undefined);
    }, timeoutMs);
  });
  const exchange = (async () => {
    const res = await fetchFn(url, controller ? { ...init, signal: controller.signal } : init);
    return await read(res);
  })();
  // A late rejection (after the timeout won) must not become an unhandled one.
  exchange.catch(() => {});
  try {
    return await Promise.race([exchange, timeout]);
  } catch {
    return undefined;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
