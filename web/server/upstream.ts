// Calls to HoneyHive, turned into per-update results with a documented code.
// Upstream text never goes into a result: it goes to `onError` only (an
// upstream that echoes headers would otherwise leak the server's key).
import type { FeedbackUpdate, UpdateResult } from './batch.js';
import type { Hangup } from './scheduler.js';

export interface UpstreamConfig {
  serverUrl: string;
  apiKey: string;
  legacy: boolean;
  timeoutMs: number;
  fetch: typeof fetch;
}

export type UpstreamErrorKind = 'network' | 'timeout' | 'upstream' | 'credentials';

export interface ForwardOutcome {
  result: UpdateResult;
  /** Set when the operator should hear about it (onError), with the upstream text. */
  problem?: { kind: UpstreamErrorKind; error: unknown; status?: number };
}

/** Retry-After as the page may see it: delta-seconds or an HTTP-date, nothing else. */
function cleanRetryAfter(value: string | null): string | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d{1,9}$/.test(v)) return v;
  if (v.length <= 40 && /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v)) return v;
  return undefined;
}

async function call(
  config: UpstreamConfig,
  url: string,
  init: RequestInit,
  signal: Hangup | undefined,
): Promise<{ res?: Response; text: string; timedOut: boolean; aborted: boolean; error?: unknown }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, config.timeoutMs);
  const off = signal?.on(() => controller.abort());
  try {
    const res = await config.fetch(url, { ...init, headers: headersOf(config), signal: controller.signal });
    const text = await res.text().catch(() => '');
    return { res, text, timedOut: false, aborted: false };
  } catch (error) {
    return { text: '', timedOut, aborted: !timedOut && !!signal?.aborted, error };
  } finally {
    clearTimeout(timer);
    off?.();
  }
}

const headerCache = new WeakMap<UpstreamConfig, Record<string, string>>();
/** One frozen header object per config: built once, not per call. */
function headersOf(config: UpstreamConfig): Record<string, string> {
  let h = headerCache.get(config);
  if (!h) {
    h = Object.freeze({ authorization: `Bearer ${config.apiKey}`, 'content-type': 'application/json', accept: 'application/json' }) as Record<string, string>;
    headerCache.set(config, h);
  }
  return h;
}

function base(config: UpstreamConfig): string {
  return config.serverUrl.replace(/\/+$/, '');
}

export async function forwardUpdate(config: UpstreamConfig, update: FeedbackUpdate, signal?: Hangup): Promise<ForwardOutcome & { aborted?: boolean }> {
  // event_id is a validated UUID; encoding is belt and braces.
  const url = config.legacy ? `${base(config)}/events` : `${base(config)}/v1/events/${encodeURIComponent(update.event_id)}`;
  const body = config.legacy ? { event_id: update.event_id, feedback: update.feedback } : { feedback: update.feedback };
  const id = update.id;
  const r = await call(config, url, { method: 'PUT', body: JSON.stringify(body) }, signal);
  if (!r.res) {
    if (r.timedOut) {
      return { result: { id, status: 504, code: 'upstream_timeout' }, problem: { kind: 'timeout', error: r.error ?? new Error(`upstream timed out after ${config.timeoutMs} ms (${url})`) } };
    }
    return { result: { id, status: 502, code: 'upstream_unavailable' }, problem: { kind: 'network', error: r.error }, aborted: r.aborted };
  }
  return mapStatus(id, r.res, r.text, url);
}

function mapStatus(id: string, res: Response, text: string, url: string): ForwardOutcome {
  const status = res.status;
  const retryAfter = cleanRetryAfter(res.headers.get('retry-after'));
  const withRetry = (result: UpdateResult): UpdateResult => (retryAfter !== undefined ? { ...result, retryAfter } : result);
  const problem = (kind: UpstreamErrorKind) => ({ kind, status, error: new Error(`HoneyHive answered ${status} to ${url}: ${text.slice(0, 500)}`) });
  if (status >= 200 && status < 300) return { result: { id, status } };
  if (status === 401 || status === 403) {
    // The server's own key was refused: not the page's fault, and fixable by
    // the operator, so a retryable 502 rather than a final 4xx.
    return { result: { id, status: 502, code: 'upstream_unavailable' }, problem: problem('credentials') };
  }
  if (status === 404) return { result: { id, status: 404, code: 'unknown_event' } };
  if (status === 429) return { result: withRetry({ id, status: 429, code: 'rate_limited' }), problem: problem('upstream') };
  if (status === 408 || status === 504) return { result: withRetry({ id, status: 504, code: 'upstream_timeout' }), problem: problem('timeout') };
  if (status === 503) return { result: withRetry({ id, status: 503, code: 'upstream_unavailable' }), problem: problem('upstream') };
  if (status >= 500) return { result: withRetry({ id, status: 502, code: 'upstream_unavailable' }), problem: problem('upstream') };
  if (status === 425) return { result: withRetry({ id, status: 503, code: 'upstream_unavailable' }), problem: problem('upstream') };
  return { result: { id, status: status >= 400 && status < 500 ? status : 502, code: 'upstream_rejected' }, problem: problem('upstream') };
}

export type EventLookup =
  | { kind: 'found'; sessionId: string }
  | { kind: 'missing' }
  | { kind: 'failed'; result: Omit<UpdateResult, 'id'>; problem?: ForwardOutcome['problem'] };

/** GET /v1/events/{id}: which session an event belongs to (allowUnlistedEvents). */
export async function lookupEvent(config: UpstreamConfig, eventId: string, signal?: Hangup): Promise<EventLookup> {
  const url = `${base(config)}/v1/events/${encodeURIComponent(eventId)}`;
  const r = await call(config, url, { method: 'GET' }, signal);
  if (!r.res) {
    return r.timedOut
      ? { kind: 'failed', result: { status: 504, code: 'upstream_timeout' }, problem: { kind: 'timeout', error: r.error } }
      : { kind: 'failed', result: { status: 502, code: 'upstream_unavailable' }, problem: { kind: 'network', error: r.error } };
  }
  if (r.res.status === 404) return { kind: 'missing' };
  if (r.res.status === 200) {
    try {
      const body = JSON.parse(r.text) as { event?: { session_id?: unknown; event_id?: unknown; event_type?: unknown } };
      const ev = body?.event;
      const sid = typeof ev?.session_id === 'string' && ev.session_id ? ev.session_id : ev?.event_type === 'session' ? ev?.event_id : undefined;
      if (typeof sid === 'string') return { kind: 'found', sessionId: sid.toLowerCase() };
    } catch {
      // fall through: an answer we cannot read
    }
    return { kind: 'failed', result: { status: 502, code: 'upstream_unavailable' }, problem: { kind: 'upstream', status: 200, error: new Error(`unreadable event from ${url}`) } };
  }
  const mapped = mapStatus('', r.res, r.text, url);
  const { id: _id, ...result } = mapped.result;
  return { kind: 'failed', result: result.status >= 200 && result.status < 300 ? { status: 502, code: 'upstream_unavailable' } : result, problem: mapped.problem };
}
