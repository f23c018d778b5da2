// The public types of FeedbackClient and init(): options, receipts,
// statistics and the events of onDelivered / onError. Re-exported from
// client.ts (and the package entry) under these names.
import type { CaptureOptions } from './capture/index.js';
import type { TraceFeedbackErrorCode } from './errors.js';
import type { FetchLike, Transport } from './transport/types.js';
import type { FeedbackLimits } from './validate/index.js';

/** A feedback object: any JSON structure with an object at the top. */
export type Feedback = { [key: string]: FeedbackValue };
export type FeedbackValue = boolean | number | string | FeedbackValue[] | { [key: string]: FeedbackValue };

/** Tunables of the C++ delivery engine (all optional; defaults in the README). */
export interface DeliveryOptions {
  flushAtUpdates?: number;
  flushAtBytes?: number;
  flushIntervalMs?: number;
  maxRequestUpdates?: number;
  maxRequestBytes?: number;
  maxInFlightRequests?: number;
  retryBaseMs?: number;
  retryMaxDelayMs?: number;
  maxAttempts?: number;
  maxAgeMs?: number;
  maxQueueUpdates?: number;
  maxQueueBytes?: number;
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

export interface EditDiffOptions {
  /** Put the changed text in `edits` (default true); false keeps only ops, offsets and lengths. */
  includeText?: boolean;
  maxSegments?: number;
  maxSegmentChars?: number;
}

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
  fetch?: FetchLike;
  /** Session of the backend trace, if already known. */
  sessionId?: string;
  limits?: FeedbackLimits;
  delivery?: DeliveryOptions;
  /** Where the queue survives reloads: "auto" (IndexedDB → localStorage → memory) by default in browsers. */
  persistence?: 'auto' | 'indexeddb' | 'localstorage' | 'memory';
  /** Storage and lock prefix; different clients on one origin need different names. */
  namespace?: string;
  /** Diff options for edits. */
  edits?: EditDiffOptions;
  /** Capture options for attach() and the programmatic helpers. */
  capture?: CaptureOptions;
  onDelivered?: (event: DeliveredEvent) => void;
  onError?: (event: ClientErrorEvent<F>) => void;
  /** Log every delivery decision (true → console.info, visible at Chrome's default levels; or your function). */
  debug?: boolean | ((message: string, data?: unknown) => void);
}

/** What enrichSession / enrichSpan return once the update is queued. */
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

export interface PendingUpdate<F extends object = Feedback> {
  id: string;
  event_id: string | null;
  feedback: F;
  attempts: number;
}

/** Where the queue lives: stats().persistence. */
export type PersistenceKind = 'indexeddb' | 'localstorage' | 'memory' | 'none';

export interface DeliveryStats {
  queued: number;
  inFlight: number;
  waitingForSession: number;
  sent: number;
  retried: number;
  dropped: number;
  deadLettered: number;
  /** Where the queue is persisted now ("none" only before start). */
  persistence: PersistenceKind;
}

export interface FlushReport {
  delivered: number;
  retrying: number;
  deadLettered: number;
  /** Updates still queued after the flush (backing off, waiting for the session). */
  queued: number;
}

export interface DeliveredEvent {
  updateId: string;
  eventId: string;
}

/**
 * Every code an onError event can carry (README, "Errors"). Dead letters:
 * rejected, max_attempts, max_age, too_large, orphaned_session,
 * unknown_event, token_expired. Warnings: storage_*, waiting_for_session,
 * invalid_session_in_baggage. Failures of a background path: *_error and
 * invalid_feedback (markup captures).
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

export interface ClientErrorEvent<F extends object = Feedback> {
  code: ClientErrorCode;
  message: string;
  updateId?: string;
  eventId?: string;
  status?: number;
  /** What the last failure was, for a dead letter: e.g. "network error or timeout (POST https://app/feedback)". */
  cause?: string;
  feedback?: F;
  error?: unknown;
}
