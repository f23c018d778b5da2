// The loader facade: createFeedback() returns a handle at once, with no
// wasm, client or delivery code loaded. Calls made before the rest has
// loaded are recorded and replayed in order; the rest is fetched through a
// dynamic import() after the page's `load` event or on first use,
// whichever comes first, so the entry chunk stays a few KB. The handle
// never throws into the page: a refused call (bad feedback, a failed
// load) goes to onError, as every background failure does.
import type {
  ClientErrorEvent,
  DeliveredEvent,
  DeliveryStats,
  Feedback,
  FeedbackClient,
  FlushReport,
  PendingUpdate,
  Receipt,
} from './client.js';
import type { CapturedState, Target } from './capture/index.js';
import type { InitOptions } from './entry/options.js';
import { isUuid } from './ids.js';
import { earlyWasm } from './entry/early.js';
import { readHeader, sessionFromBaggage, type HeaderSource } from './session.js';

/**
 * What `createFeedback()` returns: the client's methods, usable at once.
 * Before the client has loaded, capture calls return `undefined` and are
 * replayed in order once it has; afterwards they return the client's
 * {@link Receipt}, or `undefined` when the client refused the call (the
 * reason goes to `onError`, never thrown).
 *
 * @example
 * ```ts
 * const feedback = createFeedback({ endpoint: '/feedback' });
 * feedback.enrichSpan({ eventId, feedback: { rating: true } }); // recorded if not loaded yet
 * const client = await feedback.ready;                          // the FeedbackClient
 * ```
 */
export interface FeedbackHandle<F extends object = Feedback> {
  /** The loaded client; reading it starts the load if it has not started. Never rejects unobserved. */
  readonly ready: Promise<FeedbackClient<F>>;
  /** The client once loaded, else undefined. */
  readonly client: FeedbackClient<F> | undefined;
  /** The session set or linked so far (known before the client loads). */
  readonly sessionId: string | undefined;
  enrichSpan(args: { eventId: string; feedback: F }): Receipt | undefined;
  enrichSession(args: { feedback: F; sessionId?: string }): Receipt | undefined;
  rate(target: Target, up: boolean | null): Receipt | undefined;
  score(target: Target, value: number): Receipt | undefined;
  comment(target: Target, text: string): Receipt | undefined;
  action(target: Target, name: string): Receipt | undefined;
  edit(target: Target, original: string, edited: string): Receipt | undefined;
  /** The thumb and score the client holds for `target`; undefined before it loads or for a bad target. */
  stateOf(target: Target): CapturedState | undefined;
  /** `listener` runs after each capture state change, and once when the client has loaded (and replayed). */
  onStateChange(listener: () => void): () => void;
  attach(root?: ParentNode): void;
  detach(): void;
  setSession(sessionId: string): void;
  linkFromResponse(source: HeaderSource): string | undefined;
  linkFromMeta(doc?: Document): string | undefined;
  /** Loads (if needed), replays what was recorded, and flushes. */
  flush(): Promise<FlushReport>;
  /** Loads (if needed, so recorded calls are not lost), replays, and closes the client. */
  close(): Promise<void>;
  /** The client's stats; before it loads, zeros with `queued` = recorded calls and persistence "none". */
  stats(): DeliveryStats;
  /** The client's pending updates; `[]` before it loads. */
  pending(): PendingUpdate[];
  onDelivered(callback: (event: DeliveredEvent) => void): () => void;
  onError(callback: (event: ClientErrorEvent) => void): () => void;
}

type Call = (client: FeedbackClient) => unknown;

/** Has the client's diff module loaded (by anyone: attach(), loadDiff())? A no-op diff is the sync probe. */
function diffLoaded(client: FeedbackClient): boolean {
  try {
    client.diff('', '');
    return true;
  } catch {
    return false;
  }
}

/** Backoff of the automatic retry after a failed load: 1 s, 2 s, ... up to 1 min. */
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 60_000;

function isBrowser(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined';
}

function errorEvent(error: unknown, context: string): ClientErrorEvent {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = e && typeof e.code === 'string' ? e.code : 'facade_error';
  const message = e && typeof e.message === 'string' ? e.message : String(error);
  return { code: code as ClientErrorEvent['code'], message: `${context}: ${message}`, error };
}

/**
 * Creates a feedback client without waiting for it: the wasm core, the
 * client and delivery load after the page's `load` event or on first use,
 * whichever comes first, and calls made before are replayed in order.
 * Bad options surface as a rejected `ready` and an `onError` event.
 *
 * @example
 * ```ts
 * import { createFeedback } from 'trace-feedback';
 *
 * interface MyFeedback { rating?: boolean; comment?: string }
 * const feedback = createFeedback<MyFeedback>({ endpoint: '/feedback' });
 * feedback.linkFromResponse(await fetch('/api/chat', { method: 'POST', body }));
 * feedback.enrichSpan({ eventId, feedback: { rating: true } });
 * feedback.attach(document);
 * ```
 */
export function createFeedback<F extends object = Feedback>(options: InitOptions = {}): FeedbackHandle<F> {
  return new Handle<F>(options);
}

class Handle<F extends object> implements FeedbackHandle<F> {
  readonly #options: InitOptions;
  readonly #errors = new Set<(e: ClientErrorEvent) => void>();
  readonly #delivered = new Set<(e: DeliveredEvent) => void>();
  readonly #stateListeners = new Set<() => void>();
  #recorded: Call[] = [];
  /** Recorded calls that need the edit diff module (edit()). */
  readonly #editCalls = new WeakSet<Call>();
  /** edit() calls after the client loaded, waiting for the diff module, in order. */
  #edits: Call[] = [];
  #diffLoading: Promise<void> | undefined;
  #diffReady = false;
  #loading: Promise<FeedbackClient> | undefined;
  #client: FeedbackClient | undefined;
  #sessionId: string | undefined;
  #closed = false;
  #failures = 0;
  #refused = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: InitOptions) {
    const { onError, onDelivered, ...rest } = options ?? {};
    if (onError) this.#errors.add(onError);
    if (onDelivered) this.#delivered.add(onDelivered);
    // The client reports to the handle's sets, so subscribers added before
    // the load hear everything the client says afterwards.
    this.#options = {
      ...rest,
      onError: (e) => this.#emitError(e),
      onDelivered: (e) => this.#emit(this.#delivered, e),
    };
    if (typeof rest.sessionId === 'string') this.#sessionId = rest.sessionId;
    if (isBrowser()) {
      if (document.readyState === 'complete') setTimeout(() => this.#load(), 0);
      else window.addEventListener('load', () => this.#load(), { once: true });
    }
  }

  // The client runs with the handle's options; F only types what callers pass in.
  get ready(): Promise<FeedbackClient<F>> {
    return this.#load() as unknown as Promise<FeedbackClient<F>>;
  }

  get client(): FeedbackClient<F> | undefined {
    return this.#client as unknown as FeedbackClient<F> | undefined;
  }

  get sessionId(): string | undefined {
    return this.#client?.sessionId ?? this.#sessionId;
  }

  #load(): Promise<FeedbackClient> {
    if (!this.#loading) {
      // The core's .wasm is fetched and compiled while the chunk loads (a
      // retry after a failure fetches it again); the diff module is not:
      // it loads on the first edit() or attach().
      const wasm = earlyWasm(this.#options, { diff: false });
      this.#loading = import('./entry/start.js')
        .then((m) => m.startClient(this.#options, { diff: false, wasm }))
        .then(async (client) => {
          // A recorded edit needs the diff: load it first, so the replay
          // keeps the order of the calls (a failure is reported by loadDiff).
          if (this.#recorded.some((c) => this.#editCalls.has(c))) await this.#fetchDiff(client);
          this.#client = client;
          this.#replay(client);
          // After the replay, so a UI re-reading its targets sees the replayed presses.
          client.onStateChange(() => this.#emit(this.#stateListeners, undefined));
          this.#emit(this.#stateListeners, undefined);
          return client;
        });
      // Marked handled: a failed load is reported here, and a caller who
      // never reads `ready` must not see an unhandled rejection in the page.
      this.#loading.catch((e) => {
        this.#emitError(errorEvent(e, 'trace-feedback did not load'));
        this.#loadFailed(e);
      });
    }
    return this.#loading;
  }

  /**
   * A failed chunk or .wasm fetch (a network blip, a deploy replacing the
   * files) must not strand what was recorded: the next use, a read of
   * `ready`, or a timer with backoff while calls wait, tries again, and the
   * recorded calls are replayed then. Bad options stay refused.
   */
  #loadFailed(error: unknown): void {
    if ((error as { code?: unknown } | null)?.code === 'invalid_options') {
      // Never deliverable (reported above once): do not keep recording calls.
      this.#refused = true;
      this.#recorded = [];
      return;
    }
    this.#loading = undefined;
    this.#failures += 1;
    if (this.#recorded.length === 0 || this.#retryTimer !== undefined) return;
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (this.#failures - 1));
    const timer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#client || this.#loading || this.#recorded.length === 0) return;
      // After a close() whose load failed: deliver what was recorded, then close as asked.
      void this.#load()
        .then((client) => (this.#closed ? client.close() : undefined))
        .catch(() => {});
    }, delay);
    (timer as { unref?: () => void }).unref?.(); // never keeps a Node process alive
    this.#retryTimer = timer;
  }

  #replay(client: FeedbackClient): void {
    const calls = this.#recorded;
    this.#recorded = [];
    for (const call of calls) {
      // The diff did not load: the edit waits for the next try, not dropped.
      if (this.#editCalls.has(call) && !this.#diffReady) this.#edits.push(call);
      else this.#run(client, call);
    }
  }

  /**
   * Loads the diff module, then runs the edits waiting for it in order. A
   * failed load (reported to onError by client.loadDiff) keeps them: the
   * next edit(), attach(), flush() or close() tries again.
   */
  #fetchDiff(client: FeedbackClient): Promise<void> {
    this.#diffLoading ??= client.loadDiff().then(
      () => {
        this.#diffReady = true;
        this.#diffLoading = undefined;
        const waiting = this.#edits;
        this.#edits = [];
        for (const call of waiting) this.#run(client, call);
      },
      () => {
        this.#diffLoading = undefined;
      },
    );
    return this.#diffLoading;
  }

  #run(client: FeedbackClient, call: Call): unknown {
    try {
      return call(client);
    } catch (e) {
      this.#emitError(errorEvent(e, 'call refused'));
      return undefined;
    }
  }

  /** Runs `call` now if loaded, else records it and starts the load (first use). */
  #call<T>(call: (client: FeedbackClient) => T): T | undefined {
    if (this.#client) return this.#run(this.#client, call) as T | undefined;
    if (this.#refused) return undefined;
    this.#recorded.push(call);
    void this.#load().catch(() => {});
    return undefined;
  }

  enrichSpan(args: { eventId: string; feedback: F }): Receipt | undefined {
    return this.#call((c) => c.enrichSpan(args as unknown as { eventId: string; feedback: Feedback }));
  }
  enrichSession(args: { feedback: F; sessionId?: string }): Receipt | undefined {
    return this.#call((c) => c.enrichSession(args as unknown as { feedback: Feedback; sessionId?: string }));
  }
  rate(target: Target, up: boolean | null): Receipt | undefined {
    return this.#call((c) => c.rate(target, up as boolean) as Receipt);
  }
  score(target: Target, value: number): Receipt | undefined {
    return this.#call((c) => c.score(target, value) as Receipt);
  }
  comment(target: Target, text: string): Receipt | undefined {
    return this.#call((c) => c.comment(target, text) as Receipt);
  }
  action(target: Target, name: string): Receipt | undefined {
    return this.#call((c) => c.action(target, name) as Receipt);
  }
  edit(target: Target, original: string, edited: string): Receipt | undefined {
    const call: Call = (c) => c.edit(target, original, edited) as Receipt;
    const client = this.#client;
    if (!client) {
      this.#editCalls.add(call);
      return this.#call(call) as Receipt | undefined;
    }
    if (!this.#diffReady && this.#edits.length === 0) this.#diffReady = diffLoaded(client);
    if (this.#diffReady && this.#edits.length === 0) return this.#run(client, call) as Receipt | undefined;
    this.#edits.push(call);
    void this.#fetchDiff(client);
    return undefined;
  }
  stateOf(target: Target): CapturedState | undefined {
    // A read: a bad target (e.g. an answer still streaming, id '') is not worth an onError per render.
    try {
      return this.#client?.stateOf(target);
    } catch {
      return undefined;
    }
  }
  onStateChange(listener: () => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }
  attach(root?: ParentNode): void {
    // The DOM capture loads the diff module itself (for editable answers);
    // this retries one that failed for edit() calls still waiting.
    if (this.#client && this.#edits.length) void this.#fetchDiff(this.#client);
    this.#call((c) => c.attach(root));
  }
  detach(): void {
    this.#call((c) => c.detach());
  }
  setSession(sessionId: string): void {
    // Only a valid id is shown before load (the client refuses others at replay, to onError).
    if (!this.#client && isUuid(sessionId)) this.#sessionId = sessionId;
    this.#call((c) => c.setSession(sessionId));
  }

  linkFromResponse(source: HeaderSource): string | undefined {
    if (this.#client) return this.#run(this.#client, (c) => c.linkFromResponse(source)) as string | undefined;
    // Read the headers now: a Response may be gone (or its headers moved on) by replay time.
    const headers: Record<string, string> = {};
    for (const name of ['baggage', 'traceparent']) {
      const v = readHeader(source, name);
      if (v !== undefined) headers[name] = v;
    }
    // Other middleware uses `session_id` in baggage too: a non-UUID value is
    // not a session (the client ignores it at replay and keeps the linked one).
    const found = sessionFromBaggage(headers.baggage);
    const id = isUuid(found) ? found : undefined;
    if (id !== undefined) this.#sessionId = id;
    this.#call((c) => c.linkFromResponse(headers));
    return id;
  }

  linkFromMeta(doc: Document | undefined = isBrowser() ? document : undefined): string | undefined {
    const content = doc?.querySelector('meta[name="honeyhive-session-id"]')?.getAttribute('content')?.trim();
    if (!content) return undefined;
    this.setSession(content);
    return content;
  }

  async flush(): Promise<FlushReport> {
    const client = await this.#load();
    if (this.#edits.length) await this.#fetchDiff(client);
    return client.flush();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const client = await this.#load();
    if (this.#edits.length) await this.#fetchDiff(client);
    await client.close();
  }

  stats(): DeliveryStats {
    if (this.#client) return this.#client.stats();
    return {
      queued: this.#recorded.length + this.#edits.length,
      inFlight: 0,
      waitingForSession: 0,
      sent: 0,
      retried: 0,
      dropped: 0,
      deadLettered: 0,
      persistence: 'none',
    } as DeliveryStats;
  }

  pending(): PendingUpdate[] {
    return this.#client ? this.#client.pending() : [];
  }

  onDelivered(callback: (event: DeliveredEvent) => void): () => void {
    this.#delivered.add(callback);
    return () => this.#delivered.delete(callback);
  }

  onError(callback: (event: ClientErrorEvent) => void): () => void {
    this.#errors.add(callback);
    return () => this.#errors.delete(callback);
  }

  #emitError(event: ClientErrorEvent): void {
    this.#emit(this.#errors, event);
  }

  #emit<E>(set: Set<(e: E) => void>, event: E): void {
    for (const cb of [...set]) {
      try {
        cb(event);
      } catch {
        // A subscriber's bug must not stop the others or reach the page.
      }
    }
  }
}
