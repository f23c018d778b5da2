// FeedbackClient: the public object of the library. It validates and
// queues synchronously (in the C++ core), and runs the delivery loop the
// core asks for: timers, transports, persistence, page lifecycle and
// session linking. It never throws into the page from a background path:
// failures there go to onError.
import { CaptureCore, checkRoot, type CapturedState, type Root } from './capture/core.js';
import type { DomCapture } from './capture/dom.js';
import type { Target } from './capture/targets.js';
import type { CoreModule, RawClientCore } from './core/module.js';
import { diffModule, loadDiffModule, type DiffLoadOptions } from './diff/loader.js';
import { FeedbackValidationError, TraceFeedbackError, type FeedbackIssue, type FeedbackIssueCode } from './errors.js';
import { checkId, isUuid } from './ids.js';
import { readHeader, sessionFromBaggage, type HeaderSource } from './session.js';
import { openQueueStore, type QueueStore, type StorageWarning } from './storage/index.js';
import type { Transport, WireRequest, WireResult } from './transport/types.js';
import { checkFeedback, checkPlain, compileLimits, type CompiledLimits } from './validate/index.js';
import { toPlainJson } from './validate/plain.js';
import { background, monotonicNow, randomSeed } from './timers.js';
import { checkAnswer } from './delivery/answers.js';
import { callTransport } from './delivery/call.js';
import { listenToPage } from './delivery/page-lifecycle.js';
import { adoptOrphans } from './delivery/adopt.js';
import { SessionWaitWarning } from './delivery/session-wait.js';
import { Causes, deadLetterEvent, type DeadLetterJson } from './delivery/causes.js';
import { checkOptions } from './options.js';
import { isBrowser, randomId } from './env.js';
import type {
  ClientErrorCode,
  ClientErrorEvent,
  ClientOptions,
  DeliveredEvent,
  DeliveryStats,
  Feedback,
  FlushReport,
  PendingUpdate,
  Receipt,
} from './client-types.js';

export type {
  ClientErrorCode,
  ClientErrorEvent,
  ClientOptions,
  DeliveredEvent,
  DeliveryOptions,
  DeliveryStats,
  EditDiffOptions,
  Feedback,
  FeedbackValue,
  FlushReport,
  PendingUpdate,
  PersistenceKind,
  Receipt,
} from './client-types.js';
/** @internal */
export { transportFor } from './delivery/transport-for.js';

interface OutcomeJson {
  ok?: boolean;
  delivered?: string[];
  retrying?: string[];
  deadLettered?: string[];
}

type Reason = 'tick' | 'explicit' | 'hidden';

const DEFAULT_TIMEOUT_MS = 15000;

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
  readonly #core: RawClientCore;
  readonly #limits: CompiledLimits;
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  readonly #diffOptions: { edits: ClientOptions['edits']; load: DiffLoadOptions };
  readonly #debug: ((message: string, data?: unknown) => void) | undefined;
  readonly #delivered = new Set<(e: DeliveredEvent) => void>();
  readonly #errors = new Set<(e: ClientErrorEvent<F>) => void>();
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #requestTargets = new Map<string, Map<string, string>>();
  /** Per update still queued: why its last attempt failed (and the server's code). */
  readonly #causes = new Causes();
  /** Requests handed to sendBeacon: in flight for the engine until the page shows again (or timeoutMs). */
  readonly #beacons = new Set<string>();
  #beaconTimer: ReturnType<typeof setTimeout> | undefined;
  #adopting: Promise<void> | undefined;
  readonly #capture: CaptureCore;
  /** The DOM half of capture, loaded by the first attach(). */
  #dom: DomCapture | undefined;
  #domLoad: Promise<void> | undefined;
  /** Roots attach() was given while the DOM half loads, wired in that order once it is here. */
  readonly #roots = new Set<Root>();
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
  readonly #sessionWait = new SessionWaitWarning(
    () => (this.#closed ? 0 : this.stats().waitingForSession),
    (message) => this.#emitError({ code: 'waiting_for_session', message }),
    (fn) => this.#safely(fn),
  );
  #flushTotals = { delivered: 0, retrying: 0, deadLettered: 0 };

  /** Use init(); the constructor is for the library itself. @internal */
  constructor(module: CoreModule, options: ClientOptions<F>, transport: Transport, oneUpdatePerRequest: boolean) {
    options = checkOptions(options);
    this.#limits = compileLimits(options.limits);
    this.#transport = transport;
    this.#timeoutMs = options.delivery?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { diffWasmUrl, diffWasmBinary } = options as DiffLoadOptions;
    this.#diffOptions = { edits: options.edits, load: { diffWasmUrl, diffWasmBinary } };
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
    this.#capture = new CaptureCore(
      {
        enrich: (eventId, feedback) => this.#enqueue(eventId ?? '', feedback as Feedback, eventId === undefined ? 'sessionId' : 'eventId'),
        diff: (original, edited) => this.diff(original, edited),
        diffLoaded: () => diffModule() !== undefined,
        loadDiff: () => this.loadDiff(),
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
    await adoptOrphans(store, this.#core, {
      saveAnyway,
      closed: () => this.#closed,
      log: (m, d) => this.#log(m, d),
      unreadable: (message) => this.#emitError({ code: 'storage_error', message }),
    });
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
    if (r.waitingForSession) this.#sessionWait.arm();
    this.#pumpSoon();
    return { updateId: r.updateId, eventId: r.eventId, merged: r.merged, waitingForSession: r.waitingForSession };
  }

  /**
   * Captures the declarative controls under `root` (default: the document).
   * The DOM half of capture loads on the first call (a chunk of its own), so
   * wiring starts a moment later; a detach() before then cancels it.
   */
  attach(root?: ParentNode): void {
    this.#open('attach');
    const r = checkRoot(root);
    if (this.#dom) {
      this.#dom.attach(r);
      return;
    }
    this.#roots.add(r);
    this.#domLoad ??= import('./capture/dom.js').then(
      (m) => {
        const dom = (this.#dom = new m.DomCapture(this.#capture));
        for (const each of this.#roots) dom.attach(each);
        this.#roots.clear();
      },
      (e) => {
        // A later attach() tries again (e.g. after a network blip).
        this.#domLoad = undefined;
        this.#reportError(e, 'capture.load');
      },
    );
  }
  /** Stops DOM capture; after close() a no-op (close() detached already). */
  detach(): void {
    if (this.#closed) return;
    this.#roots.clear();
    this.#dom?.detach();
  }
  /** Thumbs up (true) or down (false); the same thumb twice undoes it (see README). */
  rate(target: Target, up: boolean | null): Receipt {
    this.#open('rate');
    return this.#capture.rate(target, up) as Receipt;
  }
  /** The thumb and score now held for `target` (what a UI shows); throws on a bad target. */
  stateOf(target: Target): CapturedState {
    return this.#capture.current(target);
  }
  /** `listener` runs after each change of a target's thumb, score or counts. */
  onStateChange(listener: () => void): () => void {
    return this.#capture.watch(listener);
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

  /**
   * Diff of an answer and its edited version, computed in C++ (the diff
   * module, trace_feedback_diff.wasm). Synchronous once that module has
   * loaded: `init()` loads it; with `createFeedback()` it loads on the first
   * edit() or attach(), or `await client.loadDiff()`. Before, it throws
   * TraceFeedbackError `not_initialized`.
   */
  diff(original: string, edited: string): { edits: Array<Record<string, unknown>>; edit_stats: Record<string, number | boolean> } {
    this.#open('diff');
    const m = diffModule();
    if (!m) {
      throw new TraceFeedbackError(
        'not_initialized',
        'the edit diff (trace_feedback_diff.wasm) is not loaded yet: `await client.loadDiff()` before diff() or edit()',
      );
    }
    const r = m.run(String(original), String(edited), this.#diffOptions.edits);
    if (!r.ok) throw new TraceFeedbackError('invalid_options', r.errors.map((e) => e.message).join('; '));
    return r.value;
  }

  /**
   * Loads the edit diff module (once per page; later calls share it), after
   * which diff() and edit() are synchronous. `init()` has already loaded it;
   * a client from `createFeedback()` loads it on the first edit() or
   * attach(). A failed load rejects with TraceFeedbackError
   * `wasm_load_failed`, goes to onError too, and the next call tries again.
   *
   * @example
   * ```ts
   * const client = await createFeedback({ endpoint: '/feedback' }).ready;
   * await client.loadDiff();
   * client.edit(eventId, original, edited); // synchronous from here on
   * ```
   */
  loadDiff(): Promise<void> {
    return loadDiffModule(this.#diffOptions.load).then(
      () => undefined,
      (e: unknown) => {
        // Every caller gets the rejection; onError hears it too, so a
        // background load (attach(), the facade's edit()) is never lost.
        this.#emitError({ code: 'wasm_load_failed', message: e instanceof Error ? e.message : String(e), error: e });
        throw e;
      },
    );
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
    this.#roots.clear();
    this.#dom?.detach();
    for (const off of this.#listeners.splice(0)) off();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#beaconTimer !== undefined) clearTimeout(this.#beaconTimer);
    this.#sessionWait.stop();
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
      const answer = await callTransport(this.#transport, request, hidden, this.#timeoutMs, (e) => this.#reportError(e, 'transport'));
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
      this.#causes.noteResults(checked.results);
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

  /** Every update of the request failed without an answer of its own. */
  #requestFailed(request: WireRequest, cause: string): void {
    this.#causes.noteFailed(request.updates.map((u) => u.id), cause);
    this.#log('request failed', { request: request.id, cause });
    const outcome = JSON.parse(this.#core.onRequestFailed(request.id, 0, '', cause, monotonicNow())) as OutcomeJson;
    this.#settled(request.id, outcome, null);
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
      this.#causes.noteFailed([...(this.#requestTargets.get(id)?.keys() ?? [])], cause);
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
    for (const d of letters) this.#emitError(deadLetterEvent<F>(d, this.#causes.take(d.id)));
  }

  #listen(): void {
    this.#listeners.push(
      ...listenToPage(
        {
          hidden: () => {
            this.#pump('hidden');
            this.#store?.saveNow(this.#core.snapshot());
          },
          shown: () => {
            this.#settleBeacons();
            this.#adoptLater();
          },
          pageshow: () => this.#settleBeacons(),
          online: () => {
            this.#pump('explicit');
            this.#adoptLater();
          },
          adoptTick: () => this.#adoptLater(),
        },
        (fn) => this.#safely(fn),
      ),
    );
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
