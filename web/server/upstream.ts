// One feedback update forwarded to HoneyHive, turned into an UpdateResult.
// Every failure becomes data: network errors 502, timeouts 504, upstream
// statuses passed through with their Retry-After.

import type { FeedbackUpdate, UpdateResult } from './batch.js';

export interface UpstreamConfig {
  honeyhiveUrl: string;
  apiKey: string;
  legacy: boolean;
  timeoutMs: number;
  fetch: typeof fetch;
}

export type UpstreamErrorKind = 'network' | 'timeout' | 'upstream' | 'credentials';

export interface ForwardOutcome {
  result: UpdateResult;
  /** Set when the operator should hear about it (onError). */
  problem?: { kind: UpstreamErrorKind; error: unknown };
}

export async function forwardUpdate(config: UpstreamConfig, update: FeedbackUpdate): Promise<ForwardOutcome> {
  const base = config.honeyhiveUrl.replace(/\/+$/, '');
  // event_id is a validated UUID; encoding is belt and braces.
  const url = config.legacy ? `${base}/events` : `${base}/v1/events/${encodeURIComponent(update.event_id)}`;
  const body = config.legacy ? { event_id: update.event_id, feedback: update.feedback } : { feedback: update.feedback };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, config.timeoutMs);
  const id = update.id;
  try {
    const res = await config.fetch(url, {
      method: 'PUT',
      headers: { authorization: `Bearer ${config.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const text = await res.text().catch(() => '');
    const retryAfter = res.headers.get('retry-after') ?? undefined;
    if (res.status >= 200 && res.status < 300) return { result: { id, status: res.status } };
    if (res.status === 401 || res.status === 403) {
      // The server's own key was refused: not the page's fault, and fixable by
      // the operator, so report a retryable 502 rather than a final 4xx.
      return {
        result: { id, status: 502, error: `upstream refused the server's API key (HTTP ${res.status})` },
        problem: { kind: 'credentials', error: new Error(`HoneyHive answered ${res.status} to ${url}`) },
      };
    }
    const result: UpdateResult = { id, status: res.status, error: `upstream HTTP ${res.status}${upstreamMessage(text)}` };
    if (retryAfter !== undefined) result.retryAfter = retryAfter;
    return res.status >= 500 ? { result, problem: { kind: 'upstream', error: new Error(result.error) } } : { result };
  } catch (error) {
    if (timedOut) {
      return { result: { id, status: 504, error: `upstream timed out after ${config.timeoutMs} ms` }, problem: { kind: 'timeout', error } };
    }
    return { result: { id, status: 502, error: 'upstream unreachable' }, problem: { kind: 'network', error } };
  } finally {
    clearTimeout(timer);
  }
}

/** A short message from an upstream error body, if it has one. */
function upstreamMessage(text: string): string {
  let message = '';
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) {
      const m = (parsed as Record<string, unknown>).error ?? (parsed as Record<string, unknown>).message;
      if (typeof m === 'string') message = m;
    }
  } catch {
    // not JSON: no message
  }
  return message ? `: ${message.slice(0, 200)}` : '';
}
