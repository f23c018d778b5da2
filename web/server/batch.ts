// Wire format of the batch endpoint the browser library POSTs to, and its
// validation. Kept in sync with collector/schema/feedback-batch.schema.json.
//
//   POST {endpoint}
//   Content-Type: application/json  or  text/plain;charset=UTF-8 (sendBeacon)
//   { "updates": [ { "id": "<unique per update, stable across retries>",
//                    "event_id": "<uuid>", "feedback": { ... } } ],
//     "token"?: "..." }
//
//   200 { "results": [ { "id": "...", "status": 200 | 4xx | 5xx,
//                        "error"?: "...", "retryAfter"?: "<upstream Retry-After>",
//                        "duplicate"?: true } ] }
//   results[i] answers updates[i]. A whole-body problem answers 400 / 413 /
//   415 (or the authorize hook's status) with { "error": "..." }.

export interface FeedbackUpdate {
  /** Unique per update and stable across retries: the idempotency key. */
  id: string;
  event_id: string;
  feedback: Record<string, unknown>;
}

export interface FeedbackBatch {
  updates: unknown[];
  token?: string;
}

export interface UpdateResult {
  id: string;
  /** Upstream HTTP status; 400 invalid update; 502 network error; 504 timeout. */
  status: number;
  error?: string;
  /** The upstream Retry-After header, verbatim (seconds or HTTP-date). */
  retryAfter?: string;
  /** The update was applied earlier; this is the recorded result, not a new forward. */
  duplicate?: boolean;
}

export interface BatchResponse {
  results: UpdateResult[];
}

export const MAX_UPDATE_ID_LENGTH = 128;

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Retrying these may succeed later; any other failure is final. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Whole-body check. Returns the batch or the error message for a 400. */
export function parseBatch(value: unknown): { ok: true; batch: FeedbackBatch } | { ok: false; error: string } {
  if (!isPlainObject(value)) return { ok: false, error: 'body must be a JSON object' };
  if (!Array.isArray(value.updates)) return { ok: false, error: 'body.updates must be an array' };
  if (value.token !== undefined && typeof value.token !== 'string') return { ok: false, error: 'body.token must be a string' };
  return { ok: true, batch: { updates: value.updates, token: value.token as string | undefined } };
}

/**
 * Per-update check, run before anything about the update reaches a URL or
 * the upstream. Returns the update or a 400 result naming the problem.
 */
export function checkUpdate(value: unknown): { ok: true; update: FeedbackUpdate } | { ok: false; result: UpdateResult } {
  const id = isPlainObject(value) && typeof value.id === 'string' ? value.id : '';
  const bad = (error: string) => ({ ok: false as const, result: { id, status: 400, error } });
  if (!isPlainObject(value)) return bad('update must be an object');
  if (typeof value.id !== 'string' || value.id.length === 0) return bad('id must be a non-empty string');
  if (value.id.length > MAX_UPDATE_ID_LENGTH) return { ok: false, result: { id: '', status: 400, error: `id longer than ${MAX_UPDATE_ID_LENGTH} characters` } };
  if (!isUuid(value.event_id)) return bad('event_id must be a UUID');
  if (!isPlainObject(value.feedback)) return bad('feedback must be an object');
  return { ok: true, update: { id: value.id, event_id: value.event_id, feedback: value.feedback } };
}
