// The public types of FeedbackClient and init(): options, receipts,
// statistics and the events of onDelivered / onError. Re-exported from
// client.ts (and the package entry) under these names.
import type { CaptureOptions } from './capture/index.js';
import type { TraceFeedbackErrorCode } from './errors.js';
import type { FetchLike, Transport } from './transport/types.js';
import type { FeedbackLimits } from './validate/index.js';

/**
 * A feedback object: any JSON structure with an object at the top (no
 * `null`, no non-finite numbers; the rules are checked at capture). The
 * default type parameter of the client; give your own interface for
 * compile-time checks.
 *
 * @example
 * ```ts
 * const feedback: Feedback = { rating: true, comment: 'Spot on', actions: { copied: true } };
 * ```
 */
export type Feedback = { [key: string]: FeedbackValue };
/**
 * One value inside a {@link Feedback}: a boolean, a finite number, a string,
 * an array or a nested object of these. There is no `null`: HoneyHive
 * refuses it (`null_value`).
 *
 * @example
 * ```ts
 * const steps: FeedbackValue = [{ step: 1, ok: true }, { step: 2, ok: false }];
 * ```
 */
export type FeedbackValue = boolean | number | string | FeedbackValue[] | { [key: string]: FeedbackValue };

/**
 * Tunables of the C++ delivery engine, the `delivery` option of `init` /
 * `createFeedback` (all optional; the defaults are those of the README's
 * options table).
 *
 * @example
 * ```ts
 * const client = await init({ endpoint: '/feedback', delivery: { flushIntervalMs: 500, maxAttempts: 5, timeoutMs: 10_000 } });
 * ```
 */
export interface DeliveryOptions {
  /** Flush once this many updates are queued (default 20). */
  flushAtUpdates?: number;
  /** Flush once the queued updates serialize to this many bytes (default 32768). */
  flushAtBytes?: number;
  /** Flush this long after the oldest queued update (default 1000 ms). */
  flushIntervalMs?: number;
  /** Most updates in one request (default 100). */
  maxRequestUpdates?: number;
  /** Largest serialized request body, in bytes (default 60000, under the 64 KiB beacon quota). */
  maxRequestBytes?: number;
  /** Requests in flight at once (default 4). */
  maxInFlightRequests?: number;
  /** First retry delay, doubled per attempt (default 1000 ms). */
  retryBaseMs?: number;
  /** Cap on one retry delay (default 60000 ms). */
  retryMaxDelayMs?: number;
  /** Attempts before an update is dead-lettered as `max_attempts` (default 10). */
  maxAttempts?: number;
  /** Age after its capture at which an update is dead-lettered as `max_age` (default 86400000 ms, one day). */
  maxAgeMs?: number;
  /** Most updates kept in the queue (default 10000). */
  maxQueueUpdates?: number;
  /** Most bytes kept in the queue (default 4194304, 4 MiB). */
  maxQueueBytes?: number;
  /** Random spread of each retry delay, as a fraction of it (0..1, default 0.2). */
  jitter?: number;
  /**
   * Time allowed for each transport call, enforced by the client around
   * any transport, custom ones included (default 15000 ms; 1..600000).
   */
  timeoutMs?: number;
  /**
   * How long after an update's first capture a 404 / `unknown_event` (the
   * span not ingested yet) is retried before it is dead-lettered as
   * `unknown_event` (default 120000 ms).
   */
  unknownEventRetryMs?: number;
}

/**
 * The `edits` option: how the edit diff (Myers, on code points) of an
 * edited answer is reported.
 *
 * @example
 * ```ts
 * const client = await init({ endpoint: '/feedback', edits: { includeText: false, maxSegments: 10 } });
 * ```
 */
export interface EditDiffOptions {
  /** Put the changed text in `edits` (default true); false keeps only ops, offsets and lengths. */
  includeText?: boolean;
  /** Most changed segments reported per edit (default 20). */
  maxSegments?: number;
  /** Characters of text kept per segment (default 200). */
  maxSegmentChars?: number;
}

/**
 * Options of `init()` and `createFeedback()` (every one optional; the
 * defaults are in the README's options table). `F` is your feedback shape.
 *
 * @example
 * ```ts
 * const options: ClientOptions = {
 *   endpoint: '/feedback',
 *   token: async () => (await fetch('/feedback-token')).text(),
 *   onError: (e) => console.warn(e.code, e.message),
 * };
 * const client = await init(options);
 * ```
 */
export interface ClientOptions<F extends object = Feedback> {
  /** Proxy endpoint (default "/feedback"): the recommended transport, no key in the page. */
  endpoint?: string;
  /** "proxy" (default), "honeyhive" (direct, needs apiKey), or your own function. */
  transport?: 'proxy' | 'honeyhive' | Transport;
  /** HoneyHive project key, for transport "honeyhive" only. */
  apiKey?: string;
  /** Required with apiKey in a browser: the key is visible to every user of the page. */
  dangerouslyAllowBrowserKey?: boolean;
  /** HoneyHive data plane URL (transport "honeyhive"); default https://api.dp1.us.honeyhive.ai. */
  serverUrl?: string;
  /** Use the legacy PUT /events (event_id in the body). */
  legacy?: boolean;
  /** Extra headers on proxy requests (not on beacons: put auth in `token`). */
  headers?: Record<string, string> | (() => Record<string, string>);
  /**
   * Signed feedback token from your server, sent with every batch. A
   * function (sync or async) is called per batch and again on 401
   * token_expired, when the batch is resent at once.
   */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** The fetch the transports use (default `globalThis.fetch`). */
  fetch?: FetchLike;
  /** Session of the backend trace, if already known. */
  sessionId?: string;
  /** Caps and ranges feedback is checked against. */
  limits?: FeedbackLimits;
  /** Tunables of the delivery engine. */
  delivery?: DeliveryOptions;
  /** Where the queue survives reloads: "auto" (IndexedDB → localStorage → memory) by default in browsers. */
  persistence?: 'auto' | 'indexeddb' | 'localstorage' | 'memory';
  /** Storage and lock prefix; different clients on one origin need different names. */
  namespace?: string;
  /** Diff options for edits. */
  edits?: EditDiffOptions;
  /** Capture options for attach() and the programmatic helpers. */
  capture?: CaptureOptions;
  /** Called once per update the target accepted. */
  onDelivered?: (event: DeliveredEvent) => void;
  /** Called for every dead letter, warning and background failure (else `console.warn`). */
  onError?: (event: ClientErrorEvent<F>) => void;
  /** Log every delivery decision (true → console.info, visible at Chrome's default levels; or your function). */
  debug?: boolean | ((message: string, data?: unknown) => void);
}

/**
 * What enrichSession / enrichSpan (and the capture helpers) return once the
 * update is queued.
 *
 * @example
 * ```ts
 * const receipt = client.enrichSpan({ eventId, feedback: { rating: true } });
 * if (receipt.merged) console.debug('folded into', receipt.updateId);
 * ```
 */
export interface Receipt {
  /** Id of the queued update (stable across retries, the idempotency key). */
  updateId: string;
  /** Target event (for session feedback: the session id), null while the session is unknown. */
  eventId: string | null;
  /** True when folded into a not-yet-sent update to the same target. */
  merged: boolean;
  /** Session feedback captured before the session is known waits for setSession(). */
  waitingForSession: boolean;
}

/**
 * One queued update, as `client.pending()` lists it: the feedback merged so
 * far for one target, not yet acknowledged.
 *
 * @example
 * ```ts
 * for (const u of client.pending()) console.log(u.id, u.event_id ?? '(session unknown)', u.attempts);
 * ```
 */
export interface PendingUpdate<F extends object = Feedback> {
  /** Update id, stable across retries (the idempotency key). */
  id: string;
  /** Target event; null while session feedback waits for the session. */
  event_id: string | null;
  /** The merged feedback to be sent. */
  feedback: F;
  /** Sends tried so far. */
  attempts: number;
}

/**
 * Where the queue lives: `stats().persistence`. "none" only before the
 * client has started.
 *
 * @example
 * ```ts
 * if (client.stats().persistence === 'memory') console.warn('feedback will not survive a reload');
 * ```
 */
export type PersistenceKind = 'indexeddb' | 'localstorage' | 'memory' | 'none';

/**
 * What `client.stats()` returns: the queue now, and the engine's running
 * counts of updates.
 *
 * @example
 * ```ts
 * const { queued, inFlight, deadLettered } = client.stats();
 * ```
 */
export interface DeliveryStats {
  /** Updates in the queue, not in flight. */
  queued: number;
  /** Updates in a request not answered yet. */
  inFlight: number;
  /** Session feedback waiting for setSession() / a linked session. */
  waitingForSession: number;
  /** Updates the target accepted. */
  sent: number;
  /** Retries scheduled after a retryable failure. */
  retried: number;
  /** Captures the engine refused to queue (e.g. the queue was full). */
  dropped: number;
  /** Updates given up and reported through onError. */
  deadLettered: number;
  /** Where the queue is persisted now ("none" only before start). */
  persistence: PersistenceKind;
}

/**
 * What `await client.flush()` resolves to: the outcome of what it sent.
 *
 * @example
 * ```ts
 * const report = await client.flush();
 * if (report.retrying > 0) console.info(`${report.retrying} updates will be retried`);
 * ```
 */
export interface FlushReport {
  /** Updates the target accepted during this flush. */
  delivered: number;
  /** Updates that failed retryably and are backing off. */
  retrying: number;
  /** Updates given up during this flush (each also reported through onError). */
  deadLettered: number;
  /** Updates still queued after the flush (backing off, waiting for the session). */
  queued: number;
}

/**
 * The event of `onDelivered`: one update the target accepted.
 *
 * @example
 * ```ts
 * client.onDelivered(({ updateId, eventId }) => console.debug('delivered', updateId, 'to', eventId));
 * ```
 */
export interface DeliveredEvent {
  /** Id of the update (as in its Receipt). */
  updateId: string;
  /** The event it was attached to (the session id for session feedback). */
  eventId: string;
}

/**
 * Every code an onError event can carry (README, "Errors"). Dead letters:
 * rejected, max_attempts, max_age, too_large, orphaned_session,
 * unknown_event, token_expired. Warnings: storage_*, waiting_for_session,
 * invalid_session_in_baggage. Failures of a background path: *_error and
 * invalid_feedback (markup captures).
 *
 * @example
 * ```ts
 * client.onError((e) => {
 *   if (e.code === 'unknown_event') console.warn('span never ingested', e.eventId);
 * });
 * ```
 */
export type ClientErrorCode =
  | 'rejected'
  | 'max_attempts'
  | 'max_age'
  | 'too_large'
  | 'orphaned_session'
  | 'unknown_event'
  | 'token_expired'
  | 'storage_unavailable'
  | 'storage_quota'
  | 'storage_error'
  | 'storage_fallback'
  | 'waiting_for_session'
  | 'invalid_session_in_baggage'
  | 'invalid_feedback'
  | 'transport_error'
  | 'delivery_error'
  | 'pump_error'
  | 'adopt_error'
  | 'close_error'
  | 'link_error'
  | 'capture_error'
  // createFeedback() reports a failed start (or a replayed call) with the
  // thrown error's code, or facade_error.
  | TraceFeedbackErrorCode
  | 'facade_error';

/**
 * The event of `onError`: a dead letter, a warning, or a failure of a
 * background path (nothing of these is thrown into the page).
 *
 * @example
 * ```ts
 * client.onError(({ code, message, status, cause }) => console.warn(code, status, cause ?? message));
 * ```
 */
export interface ClientErrorEvent<F extends object = Feedback> {
  /** Stable code, see {@link ClientErrorCode}. */
  code: ClientErrorCode;
  /** A sentence saying what happened. */
  message: string;
  /** The update concerned, for a dead letter. */
  updateId?: string;
  /** Its target event, when known. */
  eventId?: string;
  /** The last HTTP status (0: network error or timeout), for a dead letter. */
  status?: number;
  /** What the last failure was, for a dead letter: e.g. "network error or timeout (POST https://app/feedback)". */
  cause?: string;
  /** The feedback that was given up, for a dead letter. */
  feedback?: F;
  /** The thrown value, for a failure of a background path. */
  error?: unknown;
}
