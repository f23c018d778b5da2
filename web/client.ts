// FeedbackClient: the public object of the library, a facade over small
// modules of one concern each: the capture API (client/capture.ts, the hot
// path), the DOM capture (capture/*, loaded by attach()), session linking
// (client/link.ts), the delivery loop (delivery/loop.ts), tab adoption
// (delivery/adopt.ts), page lifecycle (delivery/page-lifecycle.ts) and the
// listeners (client/events.ts). Every call into the wasm core goes through
// core/boundary.ts. It never throws into the page from a background path:
// failures there go to onError.
import { CaptureCore, checkRoot, type CapturedState, type Root } from './capture/core.js';
import type { DomCapture } from './capture/dom.js';
import type { Target } from './capture/targets.js';
import type { CoreModule } from './core/module.js';
import { Core, type Wire } from './core/boundary.js';
import { TraceFeedbackError } from './errors.js';
import type { HeaderSource } from './session.js';
import { diffModule, loadDiffModule, type DiffLoadOptions } from './diff/loader.js';
import { openQueueStore, type QueueStore, type StorageWarning } from './storage/index.js';
import type { Transport } from './transport/types.js';
import { compileLimits } from './validate/index.js';
import { randomSeed } from './timers.js';
import { listenToPage } from './delivery/page-lifecycle.js';
import { adoptOrphans } from './delivery/adopt.js';
import { SessionWaitWarning } from './delivery/session-wait.js';
import { DeliveryLoop } from './delivery/loop.js';
import { CaptureApi } from './client/capture.js';
import { ClientEvents } from './client/events.js';
import { SessionLink } from './client/link.js';
import { checkOptions } from './options.js';
import { isBrowser, randomId } from './env.js';
import type {
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
  readonly #core: Core;
  readonly #diffOptions: { edits: ClientOptions['edits']; load: DiffLoadOptions };
  readonly #events: ClientEvents<F>;
  readonly #api: CaptureApi;
  readonly #link: SessionLink<F>;
  readonly #loop: DeliveryLoop<F>;
  #adopting: Promise<void> | undefined;
  readonly #capture: CaptureCore;
  /** The DOM half of capture, loaded by the first attach(). */
  #dom: DomCapture | undefined;
  #domLoad: Promise<void> | undefined;
  /** Roots attach() was given while the DOM half loads, wired in that order once it is here. */
  readonly #roots = new Set<Root>();
  readonly #listeners: Array<() => void> = [];
  #store: QueueStore | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #sessionWait: SessionWaitWarning;

  /** Use init(); the constructor is for the library itself. @internal */
  constructor(module: CoreModule, options: ClientOptions<F>, transport: Transport, oneUpdatePerRequest: boolean) {
    options = checkOptions(options);
    const limits = compileLimits(options.limits);
    const { diffWasmUrl, diffWasmBinary } = options as DiffLoadOptions;
    this.#diffOptions = { edits: options.edits, load: { diffWasmUrl, diffWasmBinary } };
    this.#events = new ClientEvents<F>(options.debug);
    // oneUpdatePerRequest is asked for by the direct HoneyHive transport
    // only (delivery/transport-for.ts): then the core builds its bodies.
    const wire: Wire = oneUpdatePerRequest ? (options.legacy ? 'honeyhive-legacy' : 'honeyhive') : 'proxy';
    const { timeoutMs, ...engine } = options.delivery ?? {};
    const core = Core.open(module, {
      ...(options.limits ? { limits: options.limits } : {}),
      delivery: { clientId: randomId(), seed: randomSeed(), ...engine, ...(oneUpdatePerRequest ? { oneUpdatePerRequest: true } : {}) },
      wire,
    });
    if (!core.ok) throw new TraceFeedbackError('invalid_options', core.errors.map((p) => p.message).join('; '));
    this.#core = core.value;
    this.#loop = new DeliveryLoop<F>(this.#core, transport, wire, timeoutMs ?? DEFAULT_TIMEOUT_MS, this.#events, () => this.#store);
    this.#sessionWait = new SessionWaitWarning(
      () => (this.#closed ? 0 : this.stats().waitingForSession),
      (message) => this.#events.emitError({ code: 'waiting_for_session', message }),
      (fn) => this.#events.safely(fn),
    );
    this.#api = new CaptureApi(this.#core, limits, {
      closed: () => this.#closed,
      queued: (receipt) => {
        if (this.#events.logging) this.#events.log('queued', receipt);
        if (receipt.waitingForSession) this.#sessionWait.arm();
        this.#loop.pumpSoon();
      },
    });
    this.#link = new SessionLink<F>(this.#core, this.#events, () => this.#loop.pumpSoon());
    if (options.onDelivered) this.#events.delivered.add(options.onDelivered);
    if (options.onError) this.#events.errors.add(options.onError);
    this.#capture = new CaptureCore(
      {
        enrich: (eventId, feedback) => this.#api.enqueue(eventId ?? '', feedback as Feedback, eventId === undefined ? 'sessionId' : 'eventId'),
        diff: (original, edited) => this.diff(original, edited),
        diffLoaded: () => diffModule() !== undefined,
        loadDiff: () => this.loadDiff(),
        report: (error, context) => this.#events.reportError(error, context),
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
      onWarning: (w: StorageWarning) => this.#events.emitError({ code: w.code, message: w.message }),
    });
    await this.#adopt(true);
    if (options.sessionId !== undefined) this.setSession(options.sessionId);
    this.#listen();
    this.#loop.pumpSoon();
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
      log: (m, d) => this.#events.log(m, d),
      unreadable: (message) => this.#events.emitError({ code: 'storage_error', message }),
    });
  }

  #adoptLater(): void {
    if (this.#adopting || this.#closed) return;
    this.#adopting = this.#adopt()
      .catch((e) => this.#events.reportError(e, 'adopt'))
      .finally(() => {
        this.#adopting = undefined;
        this.#loop.pumpSoon();
      });
  }

  // ---- capture -----------------------------------------------------------

  /** Feedback on the whole trace (session), like enrich_session(feedback=...). */
  enrichSession(args: { feedback: F; sessionId?: string }): Receipt {
    this.#open('enrichSession');
    return this.#api.session(args);
  }

  /** Feedback on one span (event), like enrich_span(feedback=...). */
  enrichSpan(args: { eventId: string; feedback: F }): Receipt {
    this.#open('enrichSpan');
    return this.#api.span(args);
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
        this.#events.reportError(e, 'capture.load');
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
        this.#events.emitError({ code: 'wasm_load_failed', message: e instanceof Error ? e.message : String(e), error: e });
        throw e;
      },
    );
  }

  // ---- session linking ---------------------------------------------------

  get sessionId(): string | undefined {
    return this.#link.sessionId;
  }

  /** The last W3C traceparent seen by linkFromResponse. */
  get traceparent(): string | undefined {
    return this.#link.traceparent;
  }

  /** Sets the session of the backend trace; session feedback waiting for it is sent. */
  setSession(sessionId: string): void {
    this.#open('setSession');
    this.#link.set(sessionId);
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
    return this.#link.fromResponse(source);
  }

  /** Reads <meta name="honeyhive-session-id" content="..."> from the page. */
  linkFromMeta(doc: Document | undefined = isBrowser() ? document : undefined): string | undefined {
    if (this.#closed) return undefined;
    return this.#link.fromMeta(doc);
  }

  // ---- seeing what happens -----------------------------------------------

  pending(): PendingUpdate<F>[] {
    this.#open('pending');
    const r = this.#core.pending<PendingUpdate<F>>();
    if (!r.ok) throw new TraceFeedbackError('internal', r.errors.map((e) => e.message).join('; '));
    return r.value;
  }

  stats(): DeliveryStats {
    this.#open('stats');
    const r = this.#core.stats();
    if (!r.ok) throw new TraceFeedbackError('internal', r.errors.map((e) => e.message).join('; '));
    const s = r.value;
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
    this.#events.delivered.add(callback);
    return () => this.#events.delivered.delete(callback);
  }

  /** Subscribes; after close() a no-op. */
  onError(callback: (event: ClientErrorEvent<F>) => void): () => void {
    if (this.#closed) return () => false;
    this.#events.errors.add(callback);
    return () => this.#events.errors.delete(callback);
  }

  /**
   * Sends everything sendable now and waits for the answers (and for what
   * they unblock: later updates to the same target). Updates backing off
   * after a failure stay queued and are counted in `queued`.
   */
  async flush(): Promise<FlushReport> {
    if (this.#closed) return { delivered: 0, retrying: 0, deadLettered: 0, queued: 0 };
    return this.#loop.flush(() => this.stats().queued);
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
      this.#events.reportError(e, 'close');
    }
    await this.#adopting;
    this.#closed = true;
    this.#roots.clear();
    this.#dom?.detach();
    for (const off of this.#listeners.splice(0)) off();
    this.#loop.stop();
    this.#sessionWait.stop();
    try {
      await this.#store?.save(this.#loop.snapshot());
      await this.#store?.close();
    } catch (e) {
      this.#events.reportError(e, 'close');
    }
    this.#core.free();
  }

  #listen(): void {
    this.#listeners.push(
      ...listenToPage(
        {
          hidden: () => {
            this.#loop.pump('hidden');
            this.#store?.saveNow(this.#loop.snapshot());
          },
          shown: () => {
            this.#loop.settleBeacons();
            this.#adoptLater();
          },
          pageshow: () => this.#loop.settleBeacons(),
          online: () => {
            this.#loop.pump('explicit');
            this.#adoptLater();
          },
          adoptTick: () => this.#adoptLater(),
        },
        (fn) => this.#events.safely(fn),
      ),
    );
  }

  /** The core handle is freed at close(): say so, rather than a refusal from the core. */
  #open(method: string): void {
    if (this.#closed) throw new TraceFeedbackError('closed', `${method}(): this FeedbackClient was closed`);
  }
}
