// Wire format of the batch endpoint the browser library POSTs to.
//
//   POST {endpoint}
//   Content-Type: application/json  or  text/plain;charset=UTF-8 (sendBeacon)
//   { "updates": [ { "id": "<unique per update, stable across retries>",
//                    "event_id": "<uuid>", "feedback": { ... } } ],
//     "token"?: "..." }
//
//   200 { "results": [ { "id", "status", "code"?, "retryAfter"?, "errors"?, "duplicate"? } ] }
//   results[i] answers updates[i]. A whole-body problem answers
//   400/401/403/404/405/408/413/415/429/431/503 with { "error", "code" }.
//   Codes are the documented list below; no upstream text ever reaches the page.

/**
 * One update of a batch once {@link checkUpdate} accepted its shape
 * (`event_id` lower-cased).
 *
 * @example
 * ```ts
 * const checked = checkUpdate(body.updates[0]);
 * if (checked.ok) { const update: FeedbackUpdate = checked.update; console.log(update.event_id); }
 * ```
 */
export interface FeedbackUpdate {
  /** Unique per update and stable across retries: the idempotency key (1..128 chars). */
  id: string;
  /** The event (span or session) the feedback is for: a UUID. */
  event_id: string;
  /** The feedback object (checked by the core afterwards). */
  feedback: Record<string, unknown>;
}

/**
 * A request body as {@link parseBatch} accepts it: the updates, each still
 * unchecked, and the optional feedback token.
 *
 * @example
 * ```ts
 * const parsed = parseBatch(JSON.parse(text));
 * if (parsed.ok) { const batch: FeedbackBatch = parsed.batch; console.log(batch.updates.length, !!batch.token); }
 * ```
 */
export interface FeedbackBatch {
  /** The updates as sent; check each with checkUpdate. */
  updates: unknown[];
  /** A signed feedback token (see mintFeedbackToken). */
  token?: string;
}

/**
 * Per-update codes (README "Proxy: answers").
 *
 * @example
 * ```ts
 * if (result.code === 'unknown_event') { retryLater(); } // the span is not ingested yet
 * ```
 */
export type UpdateCode =
  | 'invalid_update' | 'invalid_feedback' | 'unknown_event' | 'forbidden_event' | 'rate_limited' | 'overloaded'
  | 'store_unavailable' | 'upstream_unavailable' | 'upstream_timeout' | 'upstream_rejected' | 'in_progress' | 'not_sent';

/**
 * The proxy's answer for one update: `results[i]` answers `updates[i]`.
 *
 * @example
 * ```ts
 * const result: UpdateResult = { id: 'tf3k9-12', status: 503, code: 'upstream_unavailable', retryAfter: '2' };
 * ```
 */
export interface UpdateResult {
  /** The update's id (empty when the update had none usable). */
  id: string;
  /** HTTP status for this update: 200 applied, else why not. */
  status: number;
  /** Stable code when not applied. */
  code?: UpdateCode;
  /** Seconds (or an HTTP-date passed on from HoneyHive's own Retry-After header). */
  retryAfter?: string;
  /** invalid_feedback only: what the core refused, by path. */
  errors?: Array<{ path: string; code: string }>;
  /** The update was applied earlier (or superseded by a newer one of the same client); not forwarded again. */
  duplicate?: boolean;
}

/**
 * The body of the proxy's 200 answer: one result per update, in order.
 *
 * @example
 * ```ts
 * const body: BatchResponse = { results: [{ id: 'tf3k9-12', status: 200 }, { id: 'tf3k9-13', status: 404, code: 'unknown_event' }] };
 * ```
 */
export interface BatchResponse {
  results: UpdateResult[];
}

/**
 * Longest update id the proxy accepts, in characters; a longer one is a 400
 * `invalid_update`.
 *
 * @example
 * ```ts
 * if (id.length > MAX_UPDATE_ID_LENGTH) throw new RangeError('update id too long');
 * ```
 */
export const MAX_UPDATE_ID_LENGTH = 128;

// Pinned to tests/rules/table.json by tests/proxy/rules.test.mjs: the core
// has this rule but does not export it through the wasm boundary.
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * True for a canonical UUID string (8-4-4-4-12 hex digits, either case):
 * what the proxy accepts as an event or session id.
 *
 * @example
 * ```ts
 * isUuid('6f1c2a9e-0b7d-4c1e-9a8f-3d2e1b0c4a5f'); // true
 * isUuid('6f1c2a9e0b7d4c1e9a8f3d2e1b0c4a5f');     // false: no dashes
 * ```
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The statuses the client's engine retries: 0 (network error or timeout),
 * 408, 425, 429 and 5xx (table.json `status.retryable`; pinned by
 * tests/proxy/rules.test.mjs). 404 is retried separately, within the
 * settle window for events not ingested yet.
 *
 * @example
 * ```ts
 * isRetryableStatus(503); // true
 * isRetryableStatus(400); // false: dead-lettered as rejected
 * ```
 */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 425 || status === 429 || status >= 500;
}

/** 404: the event may not be ingested yet; the engine retries it within its settle window. */
export function isUnknownEventStatus(status: number): boolean {
  return status === 404;
}

/**
 * Whole-body check: an object with an `updates` array and an optional
 * string `token`. Returns the batch or the error message for a 400.
 *
 * @example
 * ```ts
 * const parsed = parseBatch({ updates: [] });
 * if (!parsed.ok) res.writeHead(400).end(JSON.stringify({ error: parsed.error, code: 'invalid_batch' }));
 * ```
 */
export function parseBatch(value: unknown): { ok: true; batch: FeedbackBatch } | { ok: false; error: string } {
  if (!isPlainObject(value)) return { ok: false, error: 'body must be a JSON object' };
  if (!Array.isArray(value.updates)) return { ok: false, error: 'body.updates must be an array' };
  if (value.token !== undefined && typeof value.token !== 'string') return { ok: false, error: 'body.token must be a string' };
  return { ok: true, batch: { updates: value.updates, token: value.token as string | undefined } };
}

/**
 * Shape check of one update (the feedback itself is checked by the core).
 * Returns the update (its `event_id` lower-cased) or a 400
 * `invalid_update` result.
 *
 * @example
 * ```ts
 * const results: UpdateResult[] = [];
 * for (const raw of batch.updates) {
 *   const checked = checkUpdate(raw);
 *   results.push(checked.ok ? { id: checked.update.id, status: 200 } : checked.result);
 * }
 * ```
 */
export function checkUpdate(value: unknown): { ok: true; update: FeedbackUpdate } | { ok: false; result: UpdateResult } {
  const rawId = isPlainObject(value) && typeof value.id === 'string' ? value.id : '';
  const id = rawId.length <= MAX_UPDATE_ID_LENGTH ? rawId : '';
  const bad = { ok: false as const, result: { id, status: 400, code: 'invalid_update' as const } };
  if (!isPlainObject(value)) return bad;
  if (typeof value.id !== 'string' || value.id.length === 0 || value.id.length > MAX_UPDATE_ID_LENGTH) return bad;
  if (!isUuid(value.event_id)) return bad;
  if (!isPlainObject(value.feedback)) return bad;
  return { ok: true, update: { id: value.id, event_id: value.event_id.toLowerCase(), feedback: value.feedback } };
}

/**
 * The engine numbers updates `<clientId>-<n>` with n growing per client
 * (src/delivery/engine.cpp), and sends one update per event at a time: so
 * for one event and one clientId, a larger n is newer.
 *
 * @example
 * ```ts
 * updateOrder('tf3k9-12'); // { stream: 'tf3k9', seq: '12' }
 * ```
 */
export function updateOrder(id: string): { stream: string; seq: string } | undefined {
  const m = /^([A-Za-z0-9_.-]{1,64})-(\d{1,16})$/.exec(id);
  if (!m) return undefined;
  return { stream: m[1], seq: m[2].replace(/^0+(?=\d)/, '') };
}

/** Compares two decimal strings without leading zeros. */
export function compareSeq(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
