// The one boundary between TypeScript and the wasm core. Every call into
// the core goes through this file (tests/js/boundary.test.mjs checks that
// no other built module touches the raw surface), and every call yields
// the same envelope: { ok: true, value } or { ok: false, errors: [{ path,
// code, message }] }, engine refusals included, each with a field path.
//
// The wire encoding is src/client/envelope.hpp's: one tag character, then
// the value. "+" is ok, "{" a refusal (the JSON {"ok":false,"errors":[...]}),
// so the hot paths decode no JSON at all: a capture's receipt is a flag
// digit, the update id and the event id; a takeReady answer is tab- and
// newline-separated fields around the request bodies, which are passed to
// the transport as the exact text to send.
import type { DeliveryStats } from '../client-types.js';
import { issue, type FeedbackIssue } from '../errors.js';
import type { CoreHandle, CoreModule } from './module.js';

/** What every call across the boundary yields. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; errors: FeedbackIssue[] };

/** A capture accepted by the core (the public Receipt's fields). */
export interface CaptureValue {
  updateId: string;
  eventId: string | null;
  merged: boolean;
  waitingForSession: boolean;
}

/** One request takeReady hands out, as the core built it. */
export interface ReadyRequest {
  id: string;
  /** Serialized size of {"updates":[...]}. */
  bytes: number;
  /** Per update, in order: its id and its event id. */
  ids: string[];
  eventIds: string[];
  /** The exact text to send: one {"updates":[...]} (proxy wire) or one body per update (HoneyHive wires). */
  bodies: string[];
}

/** What the engine did with a request's answer or failure. */
export interface Outcome {
  knownRequest: boolean;
  delivered: string[];
  retrying: string[];
  deadLettered: string[];
}

/** The engine's counters: the public DeliveryStats without persistence (the client's), plus evictions. */
export type EngineStats = Omit<DeliveryStats, 'persistence'> & { deadLettersEvicted: number };

export interface SessionValue {
  sessionId: string;
  retargeted: string[];
  merged: Array<{ from: string; into: string }>;
}

export type Reason = 'tick' | 'explicit' | 'hidden';

/** The body format the core builds for the transport (ClientCore's `wire` option). */
export type Wire = 'proxy' | 'honeyhive' | 'honeyhive-legacy';

const OK = 43; // '+'
const TAB = '\t';

function refusal(text: string): { ok: false; errors: FeedbackIssue[] } {
  try {
    const r = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(r?.errors)) return { ok: false, errors: r.errors as FeedbackIssue[] };
  } catch {
    // fall through: not an envelope at all
  }
  return { ok: false, errors: [issue('core', 'invalid_argument', `unreadable answer from the core: ${text.slice(0, 80)}`)] };
}


/** "+" + JSON value, or a refusal. */
function json<T>(text: string): Envelope<T> {
  return text.charCodeAt(0) === OK ? { ok: true, value: JSON.parse(text.slice(1)) as T } : refusal(text);
}

function capture(text: string): Envelope<CaptureValue> {
  if (text.charCodeAt(0) !== OK) return refusal(text);
  // "+" F updateId "\t" eventId; F: 1 merged | 2 waiting | 4 eventId known.
  const flags = text.charCodeAt(1) - 48;
  const tab = text.indexOf(TAB, 2);
  return {
    ok: true,
    value: {
      updateId: text.slice(2, tab),
      eventId: flags & 4 ? text.slice(tab + 1) : null,
      merged: (flags & 1) !== 0,
      waitingForSession: (flags & 2) !== 0,
    },
  };
}

function requests(text: string): Envelope<ReadyRequest[]> {
  if (text.charCodeAt(0) !== OK) return refusal(text);
  const out: ReadyRequest[] = [];
  if (text.length === 1) return { ok: true, value: out };
  // One line per request: id, bytes, n, n × (update id, event id), bodies.
  for (const line of text.slice(1).split('\n')) {
    const f = line.split(TAB);
    const n = Number(f[2]);
    const ids: string[] = [];
    const eventIds: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(f[3 + 2 * i]);
      eventIds.push(f[4 + 2 * i]);
    }
    out.push({ id: f[0], bytes: Number(f[1]), ids, eventIds, bodies: f.slice(3 + 2 * n) });
  }
  return { ok: true, value: out };
}

/** "+" + text kept as text (the snapshot goes to storage as it is). */
function text(t: string): Envelope<string> {
  return t.charCodeAt(0) === OK ? { ok: true, value: t.slice(1) } : refusal(t);
}

/** One tf::ClientCore in the wasm heap: limits + delivery engine. */
export class Core {
  readonly #m: CoreModule;
  #h: CoreHandle;

  private constructor(module: CoreModule, handle: CoreHandle) {
    this.#m = module;
    this.#h = handle;
  }

  /** A core for `options` ({ limits?, delivery?, wire? }); refused (and freed) when an option is bad. */
  static open(module: CoreModule, options: object): Envelope<Core> {
    const handle = module.core_new(JSON.stringify(options));
    const status = module.core_status(handle);
    if (status.charCodeAt(0) === OK) return { ok: true, value: new Core(module, handle) };
    module.core_delete(handle);
    return refusal(status);
  }

  capture(eventId: string, feedbackJson: string, now: number): Envelope<CaptureValue> {
    return capture(this.#m.core_capture(this.#h, eventId, feedbackJson, now));
  }
  setSession(sessionId: string, now: number): Envelope<SessionValue> {
    return json(this.#m.core_setSession(this.#h, sessionId, now));
  }
  takeReady(now: number, reason: Reason): Envelope<ReadyRequest[]> {
    return requests(this.#m.core_takeReady(this.#h, now, reason));
  }
  /** `answer`: the proxy's 200 body as received, or a results array as JSON; the core checks it. */
  onResult(requestId: string, answer: string, now: number): Envelope<Outcome> {
    return json(this.#m.core_onResult(this.#h, requestId, answer, now));
  }
  onRequestFailed(requestId: string, status: number, retryAfter: string, cause: string, now: number): Envelope<Outcome> {
    return json(this.#m.core_onRequestFailed(this.#h, requestId, status, retryAfter, cause, now));
  }
  abandonInFlight(now: number): Envelope<string[]> {
    return json(this.#m.core_abandonInFlight(this.#h, now));
  }
  /** Absolute ms of the next thing to do, or -1 for none. */
  nextWake(now: number): number {
    return this.#m.core_nextWake(this.#h, now);
  }
  stats(): Envelope<EngineStats> {
    return json(this.#m.core_stats(this.#h));
  }
  pending<T>(): Envelope<T[]> {
    return json(this.#m.core_pending(this.#h));
  }
  takeDeadLetters<T>(): Envelope<T[]> {
    return json(this.#m.core_takeDeadLetters(this.#h));
  }
  /** The snapshot as JSON text, unparsed (persisted as it is). */
  snapshot(): Envelope<string> {
    return text(this.#m.core_snapshot(this.#h));
  }
  restore(snapshotJson: string, now: number): Envelope<{ added: number }> {
    return json(this.#m.core_restore(this.#h, snapshotJson, now));
  }
  absorb(snapshotJson: string, now: number): Envelope<{ added: number; skipped: number }> {
    return json(this.#m.core_absorb(this.#h, snapshotJson, now));
  }
  /** Frees the core; later calls are refused with code `closed`. */
  free(): void {
    if (this.#h === 0) return;
    this.#m.core_delete(this.#h);
    this.#h = 0;
  }
}

/** The core's half of validation: ok, or every issue. */
export function validate(module: CoreModule, feedbackJson: string, limitsJson: string): Envelope<null> {
  const t = module.validate_raw(feedbackJson, limitsJson);
  return t.charCodeAt(0) === OK ? { ok: true, value: null } : refusal(t);
}

/** The core's merge of two feedback texts. */
export function merge<T = Record<string, unknown>>(module: CoreModule, intoJson: string, patchJson: string): Envelope<T> {
  return json(module.merge_raw(intoJson, patchJson));
}

/** Whether an Emscripten factory filled `target` in already (synchronous instantiation). */
export function isCoreModule(target: object): target is CoreModule {
  return typeof (target as Partial<CoreModule>).core_new === 'function';
}
