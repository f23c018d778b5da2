// FeedbackClient: the public object of the library. It validates and
// queues synchronously (in the C++ core), and runs the delivery loop the
// core asks for: timers, transports, persistence, page lifecycle and
// session linking. It never throws into the page from a background path:
// failures there go to onError.
import { Capture, type CaptureOptions, type Target } from './capture/index.js';
import type { CoreModule, RawClientCore } from './core/module.js';
import { FeedbackValidationError, TraceFeedbackError, type FeedbackIssue, type FeedbackIssueCode } from './errors.js';
import { checkId, isUuid } from './ids.js';
import { readHeader, sessionFromBaggage, type HeaderSource } from './session.js';
import { openQueueStore, type QueueStore, type StorageWarning } from './storage/index.js';
import { honeyhiveTransport, DEFAULT_SERVER_URL } from './transport/honeyhive.js';
import { proxyTransport } from './transport/proxy.js';
import type { FetchLike, Transport, WireRequest, WireResult } from './transport/types.js';
import { checkFeedback, checkPlain, compileLimits, type CompiledLimits, type FeedbackLimits } from './validate/index.js';
import { toPlainJson } from './validate/plain.js';
import { background, monotonicNow, randomSeed } from './timers.js';
import { checkAnswer } from './delivery/answers.js';
import { checkOptions } from './options.js';

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
  /** Signed feedback token from your server, sent with every batch. */
  token?: string | (() => string | undefined);
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
  | 'capture_error';

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

interface OutcomeJson {
  ok?: boolean;
  delivered?: string[];
  retrying?: string[];
  deadLettered?: string[];
}

interface DeadLetterJson {
  id: string;
  event_id: string | null;
  feedback: Feedback;
  status: number;
  reason: ClientErrorCode;
  attempts: number;
  /** The engine's last failure cause, once it keeps one (CONTRACTS.md). */
  cause?: string;
}

type Reason = 'tick' | 'explicit' | 'hidden';

const DEFAULT_TIMEOUT_MS = 15000;
const TIMEOUT_GRACE_MS = 25;
/** How long session feedback may wait for a session before the client says how to link it. */
const SESSION_WAIT_WARN_MS = 10000;
/** How often a live page looks for queues left by closed tabs (also on becoming visible, and online). */
const ADOPT_EVERY_MS = 30000;
let warnedBrowserKey = false;

function isBrowser(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined';
}

function randomId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return Math.random().toString(36).slice(2) + Date.now().toString(36);
}

/**
 * The client: validates and queues synchronously, delivers in the
 * background. Get one from `init()` (or `createFeedback()`). `F` is your
 * feedback shape (an interface or a type); it defaults to any JSON object.
 *
 * @example
 * interface MyFeedback { rating?: boolean; comment?: string }
 * const client = await init<MyFeedback>({ endpoint: '/feedback' });
 * client.enrichSpan({ eventId, feedback: { rating: true } });
 */
export class FeedbackClient<F extends object = Feedback> {
  readonly #module: CoreModule;
  readonly #core: RawClientCore;
  readonly #limits: CompiledLimits;
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  readonly #diffOptions: string;
  readonly #debug: ((message: string, data?: unknown) => void) | undefined;
  readonly #delivered = new Set<(e: DeliveredEvent) => void>();
  readonly #errors = new Set<(e: ClientErrorEvent<F>) => void>();
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #requestTargets = new Map<string, Map<string, string>>();
  /** Per update still queued: why its last attempt failed (and the server's code). */
  readonly #lastAnswer = new Map<string, { cause: string; code?: string }>();
  /** Requests handed to sendBeacon: in flight for the engine until the page shows again (or timeoutMs). */
  readonly #beacons = new Set<string>();
  #beaconTimer: ReturnType<typeof setTimeout> | undefined;
  #adopting: Promise<void> | undefined;
  readonly #capture: Capture;
  readonly #listeners: Array<() => void> = [];
  #store: QueueStore | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #pumpQueued = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  #sessionId: string | undefined;
  #traceparent: string | undefined;
  #warnedBaggage = false;
  #warnedWaiting = false;
  #waitTimer: ReturnType<typeof setTimeout> | undefined;
  #flushTotals = { delivered: 0, retrying: 0, deadLettered: 0 };

  /** Use init(); the constructor is for the library itself. @internal */
  constructor(module: CoreModule, options: ClientOptions<F>, transport: Transport, oneUpdatePerRequest: boolean) {
    options = checkOptions(options);
    this.#module = module;
    this.#limits = compileLimits(options.limits);
    this.#transport = transport;
    this.#timeoutMs = options.delivery?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#diffOptions = JSON.stringify(options.edits ?? {});
    this.#debug =
      typeof options.debug === 'function'
        ? options.debug
        : options.debug
          ? (m, d) => console.info(`[trace-feedback] ${m}`, d ?? '')
          : undefined;
    const { timeoutMs: _t, ...engine } = options.delivery ?? {};
    const coreOptions = {
      ...(options.limits ? { limits: options.limits } : {}),
      delivery: { clientId: randomId(), seed: randomSeed(), ...engine, ...(oneUpdatePerRequest ? { oneUpdatePerRequest: true } : {}) },
    };
    this.#core = new module.ClientCore_raw(JSON.stringify(coreOptions));
    const problems = JSON.parse(this.#core.problems()) as FeedbackIssue[];
    if (problems.length) {
      this.#core.delete();
      throw new TraceFeedbackError('invalid_options', problems.map((p) => p.message).join('; '));
    }
    if (options.onDelivered) this.#delivered.add(options.onDelivered);
    if (options.onError) this.#errors.add(options.onError);
    this.#capture = new Capture(
      {
        enrich: (eventId, feedback) => this.#enqueue(eventId ?? '', feedback as Feedback, eventId === undefined ? 'sessionId' : 'eventId'),
        diff: (original, edited) => this.diff(original, edited),
        report: (error, context) => this.#reportError(error, context),
      },
      { namespace: options.namespace, ...(options.capture ?? {}) },
    );
  }

  /** Opens persistence, adopts queues left by closed tabs or earlier loads, and starts the loop. @internal */
  async start(options: ClientOptions<F>): Promise<void> {
    options = checkOptions(options);
    const kind = options.persistence ?? (isBrowser() ? 'auto' : 'memory');
    this.#store = await openQueueStore({
      kind,
      namespace: options.namespace ?? 'trace-feedback',
      onWarning: (w: StorageWarning) =>
        this.#emitError({ code: w.code, message: w.message }),
    });
    await this.#adopt(true);
    if (options.sessionId !== undefined) this.setSession(options.sessionId);
    this.#listen();
    this.#pumpSoon();
  }

  /**
   * Takes in the queues of pages that are gone (claimed through the store,
   * so two live tabs never take the same one), persists them as our own,
   * then deletes the old slots. At start, and again while the page lives:
   * a tab closed while its last beacon failed would otherwise wait for the
   * app's next page load, however long the other tabs stay open.
   */
  async #adopt(saveAnyway = false): Promise<void> {
    const store = this.#store;
    if (!store || this.#closed) return;
    const orphans = await store.adoptable();
    if (this.#closed || (orphans.length === 0 && !saveAnyway)) return;
    // Snapshot times from another page are clamped by the engine.
    const now = monotonicNow();
    const absorbed: string[] = [];
    for (const o of orphans) {
      const r = JSON.parse(this.#core.absorb(o.snapshot, now)) as { ok: boolean; added?: number; message?: string };
      this.#log('adopted queue', { key: o.key, ...r });
      // A queue this version cannot read (a newer format, or damage) is
      // left in storage: deleting it would lose what a later version reads.
      if (r.ok) absorbed.push(o.key);
      else this.#emitError({ code: 'storage_error', message: `could not read a persisted queue: ${r.message ?? ''}` });
    }
    // Delete the adopted copies only once ours is durable; if the save
    // reached memory only, they remain the last persistent copy.
    if (!(await store.save(this.#core.snapshot()))) return;
    for (const key of absorbed) await store.release(key);
  }

  #adoptLater(): void {
    if (this.#adopting || this.#closed) return;
    this.#adopting = this.#adopt()
      .catch((e) => this.#reportError(e, 'adopt'))
      .finally(() => {
        this.#adopting = undefined;
        this.#pumpSoon();
      });
  }

  // ---- capture -----------------------------------------------------------

  /** Feedback on the whole trace (session), like enrich_session(feedback=...). */
  enrichSession(args: { feedback: F; sessionId?: string }): Receipt {
    this.#open('enrichSession');
    if (args === null || typeof args !== 'object') {
      throw new FeedbackValidationError([issue('args', 'invalid_argument', 'enrichSession expects { feedback, sessionId? }')]);
    }
    if (args.sessionId !== undefined) {
      const bad = checkId('sessionId', args.sessionId);
      if (bad) throw new FeedbackValidationError(this.#collect(args.feedback, [bad]));
      return this.#enqueue(args.sessionId, args.feedback, 'sessionId');
    }
    return this.#enqueue('', args.feedback, 'sessionId');
  }

  /** Feedback on one span (event), like enrich_span(feedback=...). */
  enrichSpan(args: { eventId: string; feedback: F }): Receipt {
    this.#open('enrichSpan');
    if (args === null || typeof args !== 'object') {
      throw new FeedbackValidationError([issue('args', 'invalid_argument', 'enrichSpan expects { eventId, feedback }')]);
    }
    const bad = checkId('eventId', args.eventId);
    if (bad) throw new FeedbackValidationError(this.#collect(args.feedback, [bad]));
    return this.#enqueue(args.eventId, args.feedback, 'eventId');
  }

  /** The issues of `feedback` added to `first`, so one throw lists everything. */
  #collect(feedback: unknown, first: FeedbackIssue[]): FeedbackIssue[] {
    return first.concat(checkFeedback(feedback, this.#limits).errors);
  }

  #enqueue(eventId: string, feedback: unknown, idPath: string): Receipt {
    if (this.#closed) throw new TraceFeedbackError('closed', 'this FeedbackClient was closed');
    if (eventId !== '' && !isUuid(eventId)) {
      throw new FeedbackValidationError(this.#collect(feedback, [checkId(idPath, eventId) as FeedbackIssue]));
    }
    const plain = toPlainJson(feedback, this.#limits.walk);
    if (plain.issues.length) {
      // Report the core's findings too, on the parts the walk could check.
      throw new FeedbackValidationError(checkPlain(plain, this.#limits).errors);
    }
    const r = JSON.parse(this.#core.capture(eventId, plain.text, monotonicNow())) as Receipt & {
      ok: boolean;
      errors?: FeedbackIssue[];
    };
    if (!r.ok) throw new FeedbackValidationError(r.errors ?? []);
    this.#log('queued', r);
    if (r.waitingForSession) this.#watchSessionWait();
    this.#pumpSoon();
    return { updateId: r.updateId, eventId: r.eventId, merged: r.merged, waitingForSession: r.waitingForSession };
  }

  attach(root?: ParentNode): void {
    this.#open('attach');
    this.#capture.attach(root);
  }
  /** Stops DOM capture; after close() a no-op (close() detached already). */
  detach(): void {
    if (this.#closed) return;
    this.#capture.detach();
  }
  /** Thumbs up (true) or down (false); the same thumb twice undoes it (see README). */
  rate(target: Target, up: boolean | null): Receipt {
    this.#open('rate');
    return this.#capture.rate(target, up) as Receipt;
  }
  score(target: Target, value: number): Receipt {
    this.#open('score');
    return this.#capture.score(target, value) as Receipt;
  }
  comment(target: Target, text: string): Receipt {
    this.#open('comment');
    return this.#capture.comment(target, text) as Receipt;
  }
  action(target: Target, name: string): Receipt {
    this.#open('action');
    return this.#capture.action(target, name) as Receipt;
  }
  edit(target: Target, original: string, edited: string): Receipt {
    this.#open('edit');
    return this.#capture.edit(target, original, edited) as Receipt;
  }

  /** Diff of an answer and its edited version, computed in the C++ core. */
  diff(original: string, edited: string): { edits: Array<Record<string, unknown>>; edit_stats: Record<string, number | boolean> } {
    this.#open('diff');
    const r = JSON.parse(this.#module.diff_raw(String(original), String(edited), this.#diffOptions));
    if (r.error) throw new TraceFeedbackError(r.error.code, r.error.message);
    return r;
  }

  // ---- session linking ---------------------------------------------------

  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The last W3C traceparent seen by linkFromResponse. */
  get traceparent(): string | undefined {
    return this.#traceparent;
  }

  /** Sets the session of the backend trace; session feedback waiting for it is sent. */
  setSession(sessionId: string): void {
    this.#open('setSession');
    const bad = checkId('sessionId', sessionId);
    if (bad) throw new FeedbackValidationError([bad]);
    if (sessionId === this.#sessionId) return;
    const r = JSON.parse(this.#core.setSession(sessionId, monotonicNow())) as { ok: boolean; message?: string };
    if (!r.ok) throw new TraceFeedbackError('invalid_session', r.message ?? 'session refused');
    this.#sessionId = sessionId;
    this.#log('session', r);
    this.#pumpSoon();
  }

  /**
   * Reads the session from a response's W3C `baggage` header (keys
   * session_id, honeyhive_session_id, honeyhive.session_id) and keeps its
   * `traceparent`. Returns the session id, or undefined if none was found.
   * Never throws: a `session_id` that is not a UUID (other middleware uses
   * the key too) is ignored, the linked session kept, and one warning
   * `invalid_session_in_baggage` goes to onError. After close() it does nothing.
   * Cross-origin responses must expose the headers
   * (Access-Control-Expose-Headers: baggage, traceparent).
   */
  linkFromResponse(source: HeaderSource): string | undefined {
    if (this.#closed) return undefined;
    const traceparent = readHeader(source, 'traceparent');
    if (traceparent) this.#traceparent = traceparent;
    const id = sessionFromBaggage(readHeader(source, 'baggage'));
    if (id === undefined) return undefined;
    // Other middleware uses `session_id` in baggage too, and apps call this
    // on every response: a value that is not ours must not break the page
    // or unlink the session already known.
    if (checkId('sessionId', id)) {
      this.#log('ignored a non-UUID session_id in baggage', { value: id.slice(0, 60), kept: this.#sessionId });
      if (!this.#warnedBaggage) {
        this.#warnedBaggage = true;
        this.#emitError({
          code: 'invalid_session_in_baggage',
          message:
            `ignored baggage session_id ${JSON.stringify(id.length > 60 ? id.slice(0, 60) + '...' : id)}: not a UUID ` +
            `(kept ${this.#sessionId === undefined ? 'no session' : `session ${this.#sessionId}`})`,
        });
      }
      return undefined;
    }
    try {
      this.setSession(id);
    } catch (e) {
      this.#reportError(e, 'link');
      return undefined;
    }
    return id;
  }

  /** Reads <meta name="honeyhive-session-id" content="..."> from the page. */
  linkFromMeta(doc: Document | undefined = isBrowser() ? document : undefined): string | undefined {
    if (this.#closed) return undefined;
    const content = doc?.querySelector('meta[name="honeyhive-session-id"]')?.getAttribute('content')?.trim();
    if (!content) return undefined;
    this.setSession(content);
    return content;
  }

  // ---- seeing what happens -----------------------------------------------

  pending(): PendingUpdate<F>[] {
    this.#open('pending');
    return JSON.parse(this.#core.pending()) as PendingUpdate<F>[];
  }

  stats(): DeliveryStats {
    this.#open('stats');
    const s = JSON.parse(this.#core.stats()) as Omit<DeliveryStats, 'persistence'>;
    return {
      queued: s.queued,
      inFlight: s.inFlight,
      waitingForSession: s.waitingForSession,
      sent: s.sent,
      retried: s.retried,
      dropped: s.dropped,
      deadLettered: s.deadLettered,
      persistence: this.#store?.kind ?? 'none',
    };
  }

  /** Subscribes; after close() nothing more is delivered, so it is a no-op. */
  onDelivered(callback: (event: DeliveredEvent) => void): () => void {
    if (this.#closed) return () => false;
    this.#delivered.add(callback);
    return () => this.#delivered.delete(callback);
  }

  /** Subscribes; after close() a no-op. */
  onError(callback: (event: ClientErrorEvent<F>) => void): () => void {
    if (this.#closed) return () => false;
    this.#errors.add(callback);
    return () => this.#errors.delete(callback);
  }

  /**
   * Sends everything sendable now and waits for the answers (and for what
   * they unblock: later updates to the same target). Updates backing off
   * after a failure stay queued and are counted in `queued`.
   */
  async flush(): Promise<FlushReport> {
    if (this.#closed) return { delivered: 0, retrying: 0, deadLettered: 0, queued: 0 };
    const before = { ...this.#flushTotals };
    for (let round = 0; round < 1000 && !this.#closed; round++) {
      this.#pump('explicit');
      if (this.#inFlight.size === 0) break;
      await Promise.all([...this.#inFlight.values()]);
    }
    return {
      delivered: this.#flushTotals.delivered - before.delivered,
      retrying: this.#flushTotals.retrying - before.retrying,
      deadLettered: this.#flushTotals.deadLettered - before.deadLettered,
      queued: this.#closed ? 0 : this.stats().queued,
    };
  }

  /**
   * Flushes (best effort), persists, stops timers and listeners, frees the
   * core. Calling it again waits for the same close. Afterwards every method
   * throws TraceFeedbackError `closed`, except the documented no-ops:
   * close(), flush() (an empty report), detach(), linkFromResponse(),
   * linkFromMeta(), onDelivered()/onError(), and the sessionId/traceparent getters.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    try {
      await this.flush();
    } catch (e) {
      this.#reportError(e, 'close');
    }
    await this.#adopting;
    this.#closed = true;
    this.#capture.detach();
    for (const off of this.#listeners.splice(0)) off();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#beaconTimer !== undefined) clearTimeout(this.#beaconTimer);
    if (this.#waitTimer !== undefined) clearTimeout(this.#waitTimer);
    try {
      await this.#store?.save(this.#core.snapshot());
      await this.#store?.close();
    } catch (e) {
      this.#reportError(e, 'close');
    }
    this.#core.delete();
  }

  // ---- the delivery loop -------------------------------------------------

  #pumpSoon(): void {
    if (this.#pumpQueued || this.#closed) return;
    this.#pumpQueued = true;
    // One pump per burst of captures: 1,000 enrichSpan calls in a loop cost
    // one takeReady and one snapshot write, not 1,000.
    setTimeout(() => {
      this.#pumpQueued = false;
      this.#pump('tick');
    }, 0);
  }

  #pump(reason: Reason): void {
    if (this.#closed) return;
    try {
      const offline = reason !== 'hidden' && isBrowser() && navigator.onLine === false;
      if (!offline) {
        const requests = JSON.parse(this.#core.takeReady(monotonicNow(), reason)) as WireRequest[] | { ok: false; message: string };
        if (!Array.isArray(requests)) throw new TraceFeedbackError('internal', requests.message);
        for (const request of requests) this.#send(request, reason === 'hidden');
      } else {
        this.#log('offline: holding the queue');
      }
      this.#drainDeadLetters();
      this.#schedule(offline);
      this.#store?.saveSoon(() => this.#core.snapshot());
    } catch (e) {
      this.#reportError(e, 'pump');
    }
  }

  #schedule(offline: boolean): void {
    if (offline) return; // the `online` event resumes
    const now = monotonicNow();
    const wake = this.#core.nextWake(now);
    if (wake < 0) return;
    if (this.#timer !== undefined && this.#timerAt <= wake) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = wake;
    this.#timer = background(setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#pump('tick');
    }, Math.max(0, wake - now)));
  }

  #send(request: WireRequest, hidden: boolean): void {
    const targets = new Map(request.updates.map((u) => [u.id, u.event_id]));
    this.#requestTargets.set(request.id, targets);
    this.#log(hidden ? 'sending (page hidden)' : 'sending', { request: request.id, updates: request.updates.length, bytes: request.bytes });
    const done = (async () => {
      const answer = await this.#callTransport(request, hidden);
      if (this.#closed) return;
      if ('cause' in answer) {
        this.#requestFailed(request, answer.cause);
        return;
      }
      if (answer.results === null) {
        // A beacon's outcome is unknowable. Settling it at once as a
        // network error made it "due" again, so the pagehide that follows
        // every visibilitychange→hidden beaconed the same updates a second
        // time, and each hide burnt an attempt. It stays in flight (the
        // pagehide snapshot carries it as such, so the next load resends
        // it) until the page shows again or timeoutMs passes; then it is a
        // network error and resent, which the proxy answers from its
        // idempotency record.
        this.#beacons.add(request.id);
        this.#armBeaconTimer();
        return;
      }
      const checked = checkAnswer(request, answer.results);
      if (!checked.ok) {
        this.#requestFailed(request, `malformed answer: ${checked.why}`);
        return;
      }
      this.#noteAnswers(checked.results);
      const outcome = JSON.parse(this.#core.onResult(request.id, JSON.stringify(checked.results), monotonicNow())) as OutcomeJson & {
        message?: string;
      };
      // The engine refusing an answer must not leave the request in flight.
      if (outcome.ok === false) this.#requestFailed(request, `malformed answer: ${outcome.message ?? 'refused by the engine'}`);
      else this.#settled(request.id, outcome, checked.results);
    })()
      .catch((e) => {
        this.#reportError(e, 'delivery');
        // Whatever threw, nothing stays in flight for the life of the page.
        if (!this.#closed && !this.#beacons.has(request.id)) this.#safely(() => this.#requestFailed(request, `delivery: ${String(e)}`));
      })
      .finally(() => {
        this.#inFlight.delete(request.id);
        if (!this.#beacons.has(request.id)) this.#requestTargets.delete(request.id);
        if (!this.#closed && !hidden) this.#pump('tick');
      });
    this.#inFlight.set(request.id, done);
  }

  /**
   * Runs the transport under delivery.timeoutMs, whatever it does: a custom
   * transport that never settles kept its updates in flight and flush()
   * waiting forever. A late answer after the timeout is ignored (the
   * updates were already retried under the same ids).
   */
  async #callTransport(request: WireRequest, hidden: boolean): Promise<{ results: unknown } | { cause: string }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ms = this.#timeoutMs;
    const call = (async () => ({ results: (await this.#transport(request, { hidden, timeoutMs: ms })) as unknown }))();
    call.catch(() => {});
    // A little grace, so a built-in transport's own timeout (which names
    // the URL) wins over this backstop when both are due.
    const timeout = new Promise<{ cause: string }>((resolve) => {
      // Not unref'd: like the fetch it bounds, a call in flight keeps Node alive.
      timer = setTimeout(() => resolve({ cause: `transport timeout: no answer within ${ms} ms` }), ms + TIMEOUT_GRACE_MS);
    });
    try {
      return await Promise.race([call, timeout]);
    } catch (e) {
      this.#reportError(e, 'transport');
      return { cause: `transport threw: ${e instanceof Error ? e.message : String(e)}` };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  /** Every update of the request failed without an answer of its own. */
  #requestFailed(request: WireRequest, cause: string): void {
    for (const u of request.updates) this.#lastAnswer.set(u.id, { cause });
    this.#log('request failed', { request: request.id, cause });
    const outcome = JSON.parse(this.#core.onRequestFailed(request.id, 0, '', cause, monotonicNow())) as OutcomeJson;
    this.#settled(request.id, outcome, null);
  }

  /** Keeps why each update failed, for its final error if it comes to that. */
  #noteAnswers(results: WireResult[]): void {
    for (const r of results) {
      if (r.status >= 200 && r.status <= 299) {
        this.#lastAnswer.delete(r.id);
        continue;
      }
      const cause = r.error ?? (r.status === 0 ? 'network error or timeout' : `answered ${r.status}${r.code ? ` ${r.code}` : ''}`);
      this.#lastAnswer.set(r.id, { cause, ...(r.code ? { code: r.code } : {}) });
    }
  }

  #armBeaconTimer(): void {
    if (this.#beaconTimer !== undefined) return;
    this.#beaconTimer = setTimeout(() => {
      this.#beaconTimer = undefined;
      this.#safely(() => this.#settleBeacons());
    }, this.#timeoutMs);
  }

  /** Beacons sent while hidden count as network errors now: their updates are retried. */
  #settleBeacons(): void {
    if (this.#beaconTimer !== undefined) clearTimeout(this.#beaconTimer);
    this.#beaconTimer = undefined;
    if (this.#beacons.size === 0 || this.#closed) return;
    const now = monotonicNow();
    for (const id of [...this.#beacons]) {
      this.#beacons.delete(id);
      const cause = 'beacon sent while the page was hidden; outcome unknown';
      for (const u of this.#requestTargets.get(id)?.keys() ?? []) this.#lastAnswer.set(u, { cause });
      const outcome = JSON.parse(this.#core.onRequestFailed(id, 0, '', cause, now)) as OutcomeJson;
      this.#settled(id, outcome, null);
      this.#requestTargets.delete(id);
    }
    this.#pump('tick');
  }

  #settled(requestId: string, outcome: OutcomeJson, results: WireResult[] | null): void {
    const targets = this.#requestTargets.get(requestId) ?? new Map<string, string>();
    this.#log('result', { request: requestId, ...outcome, results });
    for (const id of outcome.delivered ?? []) {
      this.#flushTotals.delivered++;
      const event = { updateId: id, eventId: targets.get(id) ?? '' };
      for (const cb of this.#delivered) this.#safely(() => cb(event));
    }
    this.#flushTotals.retrying += outcome.retrying?.length ?? 0;
    if (outcome.deadLettered?.length) this.#drainDeadLetters();
  }

  /**
   * Reports every update the engine gave up on. Called after results and
   * after every takeReady: the engine also gives up outside of results
   * (max_age when it expires queued updates, too_large or orphaned_session
   * when it absorbs an adopted queue), and those used to wait, unreported,
   * until some later result happened to dead-letter something.
   */
  #drainDeadLetters(): void {
    const letters = JSON.parse(this.#core.takeDeadLetters()) as DeadLetterJson[];
    if (!Array.isArray(letters)) return;
    this.#flushTotals.deadLettered += letters.length;
    for (const d of letters) {
      const last = this.#lastAnswer.get(d.id);
      this.#lastAnswer.delete(d.id);
      // The client's words carry the URL and the server's code; the engine's
      // cover what it decided alone (max_age, a status it described).
      const cause = last?.cause || d.cause || undefined;
      // A static token that expired: say so, not "rejected, 401".
      const code = last?.code === 'token_expired' && d.status === 401 ? 'token_expired' : d.reason;
      const attempts = `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`;
      this.#emitError({
        code,
        message:
          `update ${d.id} to ${d.event_id ?? 'the session'} was given up (${code}) after ${attempts}, last status ${d.status}` +
          (cause ? `; last: ${cause}` : ''),
        updateId: d.id,
        ...(d.event_id ? { eventId: d.event_id } : {}),
        status: d.status,
        ...(cause ? { cause } : {}),
        feedback: d.feedback as unknown as F,
      });
    }
  }

  #listen(): void {
    if (!isBrowser()) return;
    const on = (target: EventTarget, type: string, fn: () => void) => {
      const handler = () => this.#safely(fn);
      target.addEventListener(type, handler);
      this.#listeners.push(() => target.removeEventListener(type, handler));
    };
    const hide = () => {
      this.#pump('hidden');
      this.#store?.saveNow(this.#core.snapshot());
    };
    on(document, 'visibilitychange', () => {
      if (document.visibilityState === 'hidden') {
        hide();
      } else {
        this.#settleBeacons();
        this.#adoptLater();
      }
    });
    on(window, 'pagehide', hide);
    on(window, 'pageshow', () => this.#settleBeacons());
    on(window, 'online', () => {
      this.#pump('explicit');
      this.#adoptLater();
    });
    // Tabs closed while this one lives leave queues behind: look now and then.
    const every = setInterval(() => this.#safely(() => this.#adoptLater()), ADOPT_EVERY_MS);
    this.#listeners.push(() => clearInterval(every));
  }

  // ---- errors and logging ------------------------------------------------

  #reportError(error: unknown, context: string): void {
    if (error instanceof FeedbackValidationError) {
      this.#emitError({ code: 'invalid_feedback', message: error.message, error });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    // "capture.action" and the like report as capture_error.
    const code = `${context.split('.')[0]}_error` as ClientErrorCode;
    this.#emitError({ code, message: `${context}: ${message}`, error });
  }

  #emitError(event: ClientErrorEvent<F>): void {
    this.#log('error', event);
    if (this.#errors.size === 0) {
      // Nobody listens: say it once on the console rather than lose it.
      console.warn(`[trace-feedback] ${event.message}`);
      return;
    }
    for (const cb of this.#errors) this.#safely(() => cb(event));
  }

  /**
   * Session feedback waits, silently, for a session the app may never link
   * (the commonest setup mistake): after SESSION_WAIT_WARN_MS, one warning
   * saying how to link it (onError, else the console), once per client.
   */
  #watchSessionWait(): void {
    if (this.#warnedWaiting || this.#waitTimer !== undefined) return;
    this.#waitTimer = background(
      setTimeout(() => {
        this.#waitTimer = undefined;
        this.#safely(() => {
          if (this.#closed || this.#warnedWaiting) return;
          const waiting = this.stats().waitingForSession;
          if (waiting === 0) return;
          this.#warnedWaiting = true;
          this.#emitError({
            code: 'waiting_for_session',
            message:
              `${waiting} session feedback update${waiting === 1 ? ' has' : 's have'} waited ${SESSION_WAIT_WARN_MS / 1000} s for a session id: ` +
              'link the session with client.linkFromResponse(response) (W3C baggage session_id), ' +
              'client.setSession(id), a <meta name="honeyhive-session-id"> tag with linkFromMeta(), or init({ sessionId })',
          });
        });
      }, SESSION_WAIT_WARN_MS),
    );
  }

  /** The core handle is freed at close(): say so, rather than Embind's raw error. */
  #open(method: string): void {
    if (this.#closed) throw new TraceFeedbackError('closed', `${method}(): this FeedbackClient was closed`);
  }

  #safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      // An app callback threw: never let it break the loop or the page.
      if (this.#debug) this.#debug('callback threw', e);
    }
  }

  #log(message: string, data?: unknown): void {
    if (this.#debug) this.#debug(message, data);
  }
}

function issue(path: string, code: FeedbackIssueCode, what: string): FeedbackIssue {
  return { path, code, message: `${path}: ${what} (${code})` };
}

/** Picks the transport from the options; refuses a browser key without consent. @internal */
export function transportFor(options: ClientOptions): { transport: Transport; oneUpdatePerRequest: boolean } {
  // First thing init() does: bad options are refused before anything loads.
  options = checkOptions(options);
  const t = options.transport ?? 'proxy';
  if (typeof t === 'function') return { transport: t, oneUpdatePerRequest: false };
  if (t === 'honeyhive') {
    if (!options.apiKey) throw new TraceFeedbackError('invalid_options', 'transport "honeyhive" needs apiKey');
    if (isBrowser()) {
      if (options.dangerouslyAllowBrowserKey !== true) {
        throw new TraceFeedbackError(
          'browser_key_refused',
          'transport "honeyhive" puts your HoneyHive API key in the page, readable by every user. ' +
            'Use the proxy transport (trace-feedback/server), or pass dangerouslyAllowBrowserKey: true if you accept that.',
        );
      }
      if (!warnedBrowserKey) {
        warnedBrowserKey = true;
        console.warn('[trace-feedback] the HoneyHive API key is in the page (dangerouslyAllowBrowserKey); prefer the proxy transport');
      }
    }
    return {
      transport: honeyhiveTransport({
        apiKey: options.apiKey,
        serverUrl: options.serverUrl ?? DEFAULT_SERVER_URL,
        legacy: options.legacy,
        fetch: options.fetch,
      }),
      oneUpdatePerRequest: true,
    };
  }
  if (t !== 'proxy') throw new TraceFeedbackError('invalid_options', `unknown transport "${String(t)}"`);
  return {
    transport: proxyTransport({
      endpoint: options.endpoint ?? '/feedback',
      headers: options.headers,
      token: options.token,
      fetch: options.fetch,
    }),
    oneUpdatePerRequest: false,
  };
}
