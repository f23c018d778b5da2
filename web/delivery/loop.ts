// The delivery loop the core asks for: take what is ready, hand each
// request to the transport under timeoutMs, tell the core what came back,
// re-arm one timer for the core's next wake, and persist. Beacons (a hidden
// page's requests, whose outcome is unknowable) stay in flight until the
// page shows again or timeoutMs passes. Nothing here throws into the page:
// failures go to the client's onError through `events`.
import type { Core, Outcome, Reason, Wire } from '../core/boundary.js';
import type { Feedback, FlushReport } from '../client-types.js';
import { TraceFeedbackError } from '../errors.js';
import type { QueueStore } from '../storage/index.js';
import type { Transport, WireRequest, WireResult } from '../transport/types.js';
import { isBrowser } from '../env.js';
import { background, monotonicNow } from '../timers.js';
import { checkAnswer } from './answers.js';
import { callTransport } from './call.js';
import { Causes, deadLetterEvent, type DeadLetterJson } from './causes.js';
import { wireRequest } from './request.js';
import type { ClientEvents } from '../client/events.js';

/** One request on its way: what the transport got, and its updates' ids and targets. */
interface Sent {
  request: WireRequest;
  ids: string[];
  eventIds: string[];
}

export class DeliveryLoop<F extends object = Feedback> {
  readonly #core: Core;
  readonly #transport: Transport;
  readonly #wire: Wire;
  readonly #timeoutMs: number;
  readonly #events: ClientEvents<F>;
  readonly #store: () => QueueStore | undefined;
  readonly #inFlight = new Map<string, Promise<void>>();
  /** Per request still unsettled (beacons included): its updates' ids and targets. */
  readonly #requests = new Map<string, Sent>();
  /** Per update still queued: why its last attempt failed (and the server's code). */
  readonly #causes = new Causes();
  /** Requests handed to sendBeacon: in flight for the engine until the page shows again (or timeoutMs). */
  readonly #beacons = new Set<string>();
  #beaconTimer: ReturnType<typeof setTimeout> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #pumpQueued = false;
  #closed = false;
  readonly #totals = { delivered: 0, retrying: 0, deadLettered: 0 };

  constructor(core: Core, transport: Transport, wire: Wire, timeoutMs: number, events: ClientEvents<F>, store: () => QueueStore | undefined) {
    this.#core = core;
    this.#transport = transport;
    this.#wire = wire;
    this.#timeoutMs = timeoutMs;
    this.#events = events;
    this.#store = store;
  }

  /** One pump per burst of captures: 1,000 enrichSpan calls in a loop cost one takeReady and one snapshot write, not 1,000. */
  pumpSoon(): void {
    if (this.#pumpQueued || this.#closed) return;
    this.#pumpQueued = true;
    setTimeout(() => {
      this.#pumpQueued = false;
      this.pump('tick');
    }, 0);
  }

  pump(reason: Reason): void {
    if (this.#closed) return;
    try {
      const offline = reason !== 'hidden' && isBrowser() && navigator.onLine === false;
      if (!offline) {
        const ready = this.#core.takeReady(monotonicNow(), reason);
        if (!ready.ok) throw new TraceFeedbackError('internal', ready.errors.map((e) => e.message).join('; '));
        for (const r of ready.value) this.#send({ request: wireRequest(r, this.#wire), ids: r.ids, eventIds: r.eventIds }, reason === 'hidden');
      } else {
        this.#events.log('offline: holding the queue');
      }
      this.drainDeadLetters();
      this.#schedule(offline);
      this.#store()?.saveSoon(() => this.snapshot());
    } catch (e) {
      this.#events.reportError(e, 'pump');
    }
  }

  /** The engine's state as JSON text, for storage (never parsed on the way). */
  snapshot(): string {
    const s = this.#core.snapshot();
    if (!s.ok) throw new TraceFeedbackError('internal', s.errors.map((e) => e.message).join('; '));
    return s.value;
  }

  /** Sends everything sendable and waits for the answers and what they unblock. */
  async flush(queued: () => number): Promise<FlushReport> {
    const before = { ...this.#totals };
    for (let round = 0; round < 1000 && !this.#closed; round++) {
      this.pump('explicit');
      if (this.#inFlight.size === 0) break;
      await Promise.all([...this.#inFlight.values()]);
    }
    return {
      delivered: this.#totals.delivered - before.delivered,
      retrying: this.#totals.retrying - before.retrying,
      deadLettered: this.#totals.deadLettered - before.deadLettered,
      queued: this.#closed ? 0 : queued(),
    };
  }

  /** Stops timers; nothing is sent or settled afterwards. */
  stop(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#beaconTimer !== undefined) clearTimeout(this.#beaconTimer);
  }

  #schedule(offline: boolean): void {
    if (offline) return; // the `online` event resumes
    const now = monotonicNow();
    const wake = this.#core.nextWake(now);
    if (wake < 0) return;
    if (this.#timer !== undefined && this.#timerAt <= wake) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = wake;
    this.#timer = background(
      setTimeout(() => {
        this.#timer = undefined;
        this.#timerAt = Infinity;
        this.pump('tick');
      }, Math.max(0, wake - now)),
    );
  }

  #send(sent: Sent, hidden: boolean): void {
    const { request } = sent;
    this.#requests.set(request.id, sent);
    if (this.#events.logging) {
      this.#events.log(hidden ? 'sending (page hidden)' : 'sending', { request: request.id, updates: sent.ids.length, bytes: request.bytes });
    }
    const done = (async () => {
      const answer = await callTransport(this.#transport, request, hidden, this.#timeoutMs, (e) => this.#events.reportError(e, 'transport'));
      if (this.#closed) return;
      if ('cause' in answer) {
        this.#requestFailed(sent, answer.cause);
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
      const checked = checkAnswer(sent.ids, answer.results);
      if (!checked.ok) {
        this.#requestFailed(sent, `malformed answer: ${checked.why}`);
        return;
      }
      this.#causes.noteResults(checked.results);
      const outcome = this.#core.onResult(request.id, JSON.stringify(checked.results), monotonicNow());
      // The engine refusing an answer must not leave the request in flight.
      if (!outcome.ok) this.#requestFailed(sent, `malformed answer: ${outcome.errors[0]?.message ?? 'refused by the engine'}`);
      else this.#settled(request.id, outcome.value, checked.results);
    })()
      .catch((e) => {
        this.#events.reportError(e, 'delivery');
        // Whatever threw, nothing stays in flight for the life of the page.
        if (!this.#closed && !this.#beacons.has(request.id)) this.#events.safely(() => this.#requestFailed(sent, `delivery: ${String(e)}`));
      })
      .finally(() => {
        this.#inFlight.delete(request.id);
        if (!this.#beacons.has(request.id)) this.#requests.delete(request.id);
        if (!this.#closed && !hidden) this.pump('tick');
      });
    this.#inFlight.set(request.id, done);
  }

  /** Every update of the request failed without an answer of its own. */
  #requestFailed(sent: Sent, cause: string): void {
    this.#causes.noteFailed(sent.ids, cause);
    this.#events.log('request failed', { request: sent.request.id, cause });
    this.#failed(sent.request.id, cause, monotonicNow());
  }

  #failed(requestId: string, cause: string, now: number): void {
    const outcome = this.#core.onRequestFailed(requestId, 0, '', cause, now);
    if (outcome.ok) this.#settled(requestId, outcome.value, null);
    else this.#events.reportError(new TraceFeedbackError('internal', outcome.errors[0]?.message ?? 'refused'), 'delivery');
  }

  #armBeaconTimer(): void {
    if (this.#beaconTimer !== undefined) return;
    this.#beaconTimer = setTimeout(() => {
      this.#beaconTimer = undefined;
      this.#events.safely(() => this.settleBeacons());
    }, this.#timeoutMs);
  }

  /** Beacons sent while hidden count as network errors now: their updates are retried. */
  settleBeacons(): void {
    if (this.#beaconTimer !== undefined) clearTimeout(this.#beaconTimer);
    this.#beaconTimer = undefined;
    if (this.#beacons.size === 0 || this.#closed) return;
    const now = monotonicNow();
    for (const id of [...this.#beacons]) {
      this.#beacons.delete(id);
      const cause = 'beacon sent while the page was hidden; outcome unknown';
      this.#causes.noteFailed(this.#requests.get(id)?.ids ?? [], cause);
      this.#failed(id, cause, now);
      this.#requests.delete(id);
    }
    this.pump('tick');
  }

  #settled(requestId: string, outcome: Outcome, results: WireResult[] | null): void {
    const sent = this.#requests.get(requestId);
    if (this.#events.logging) this.#events.log('result', { request: requestId, ...outcome, results });
    for (const id of outcome.delivered) {
      this.#totals.delivered++;
      const i = sent ? sent.ids.indexOf(id) : -1;
      this.#events.emitDelivered({ updateId: id, eventId: i >= 0 ? (sent as Sent).eventIds[i] : '' });
    }
    this.#totals.retrying += outcome.retrying.length;
    if (outcome.deadLettered.length) this.drainDeadLetters();
  }

  /**
   * Reports every update the engine gave up on. Called after results and
   * after every takeReady: the engine also gives up outside of results
   * (max_age when it expires queued updates, too_large or orphaned_session
   * when it absorbs an adopted queue), and those used to wait, unreported,
   * until some later result happened to dead-letter something.
   */
  drainDeadLetters(): void {
    const letters = this.#core.takeDeadLetters<DeadLetterJson>();
    if (!letters.ok) return;
    this.#totals.deadLettered += letters.value.length;
    for (const d of letters.value) this.#events.emitError(deadLetterEvent<F>(d, this.#causes.take(d.id)));
  }
}
