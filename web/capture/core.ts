// CaptureCore: the programmatic half of capture (rate/score/comment/action/
// edit) and the per-target state they share with the DOM half. Static in the
// client, because those calls return a Receipt synchronously; the DOM
// wiring (web/capture/dom.ts) is loaded only when attach() is called.
// The methods throw FeedbackValidationError on bad input.
import { TraceFeedbackError } from '../errors.js';
import { FIELD, type FieldValue } from './attributes.js';
import {
  actionFeedback,
  checkActionName,
  copyFeedback,
  editFeedback,
  ratingFeedback,
  withdrawnFeedback,
  type DiffResult,
  type Feedback,
} from './signals.js';
import { StateStore, type StorageKind, type TargetState } from './state.js';
import { invalid, resolveTarget, type Resolved, type Target } from './targets.js';

/** Implemented by the client: queues feedback, diffs texts, reports background errors. */
export interface CaptureHost {
  /** Validates and queues; eventId undefined means the session. Throws FeedbackValidationError. */
  enrich(eventId: string | undefined, feedback: Record<string, unknown>): unknown;
  /** Edit diff from the diff module: { edits: [...], edit_stats: {...} }; throws `not_initialized` before it has loaded. */
  diff(original: string, edited: string): DiffResult;
  /** Has the diff module loaded (diff() is synchronous)? */
  diffLoaded(): boolean;
  /** Loads the diff module; a failure rejects and is already reported to onError. */
  loadDiff(): Promise<void>;
  /** Errors from DOM event handlers; must not throw. */
  report(error: unknown, context: string): void;
}

/**
 * The `capture` option of `init` / `createFeedback`: how attach() and the
 * programmatic helpers (rate, score, comment, action, edit) record signals.
 *
 * @example
 * ```ts
 * const client = await init({ endpoint: '/feedback', capture: { includeEditText: false, editDebounceMs: 2000, countersStorage: 'local' } });
 * ```
 */
export interface CaptureOptions {
  /** Prefix of the storage key for counters and thumb state; default "trace-feedback". */
  namespace?: string;
  /** Removed/inserted texts in `edits`; default true (false keeps only lengths). */
  includeEditText?: boolean;
  /** The copied text as `copy: { text }` (first 4,000 chars); default false. */
  includeCopiedText?: boolean;
  /** Idle time after the last keystroke before an edit is captured; default 1000 ms (0..60000). */
  editDebounceMs?: number;
  /** Where counters and thumb/score state survive a reload; default "session". */
  countersStorage?: 'session' | 'local' | 'none';
}

export interface ResolvedOptions {
  namespace: string;
  includeEditText: boolean;
  includeCopiedText: boolean;
  editDebounceMs: number;
  countersStorage: StorageKind;
}

/** What a capture sent, as the DOM half reports it in `feedback:captured`. */
export interface Sent {
  feedback: Feedback;
  receipt: unknown;
}

export type Root = ParentNode & Node & EventTarget;

/**
 * The thumb and score capture holds for a target: what the next press is
 * judged against, and what a UI shows (it survives a reload with the
 * capture state's storage).
 *
 * @example
 * ```ts
 * feedback.rate(eventId, true);
 * feedback.stateOf(eventId); // { thumb: 'up', score: null }
 * feedback.rate(eventId, true); // the same thumb again withdraws
 * feedback.stateOf(eventId); // { thumb: null, score: null }
 * ```
 */
export interface CapturedState {
  thumb: 'up' | 'down' | null;
  score: number | null;
}

// Feedback keys the built-in signals own; a custom field of that name would clobber them.
const RESERVED_FIELDS = new Set(['rating', 'rating_withdrawn', 'score', 'comment', 'actions', 'copy', 'edits', 'edit_stats']);

function bad(message: string): TraceFeedbackError {
  return new TraceFeedbackError('invalid_options', `capture options: ${message}`);
}

function resolveOptions(o: CaptureOptions | undefined): ResolvedOptions {
  const opts = o ?? {};
  if (typeof opts !== 'object') throw bad('must be an object');
  const flag = (name: 'includeEditText' | 'includeCopiedText', dflt: boolean): boolean => {
    const v = opts[name];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') throw bad(`${name} must be a boolean`);
    return v;
  };
  const ns = opts.namespace ?? 'trace-feedback';
  if (typeof ns !== 'string' || ns === '') throw bad('namespace must be a non-empty string');
  const ms = opts.editDebounceMs ?? 1000;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 60000) throw bad('editDebounceMs must be 0..60000');
  const storage = opts.countersStorage ?? 'session';
  if (storage !== 'session' && storage !== 'local' && storage !== 'none') throw bad('countersStorage must be "session", "local" or "none"');
  return {
    namespace: ns,
    includeEditText: flag('includeEditText', true),
    includeCopiedText: flag('includeCopiedText', false),
    editDebounceMs: ms,
    countersStorage: storage,
  };
}

/** attach(root)'s argument check, synchronous even while the DOM half loads. */
export function checkRoot(root: ParentNode | undefined): Root {
  const r = (root ?? (typeof document === 'undefined' ? undefined : document)) as Root | undefined;
  if (!r || typeof (r as Node).nodeType !== 'number' || typeof r.addEventListener !== 'function') {
    throw new TraceFeedbackError('invalid_root', 'attach(root): root must be a Document, Element or ShadowRoot');
  }
  return r;
}

export class CaptureCore {
  readonly host: CaptureHost;
  readonly opts: ResolvedOptions;
  readonly state: StateStore;
  /** Set by the DOM half: shows a target's new state on its controls. */
  onState: ((key: string, state: TargetState) => void) | undefined;
  readonly #watchers = new Set<() => void>();

  constructor(host: CaptureHost, options?: CaptureOptions) {
    this.host = host;
    this.opts = resolveOptions(options);
    this.state = new StateStore(this.opts.countersStorage, this.opts.namespace);
  }

  // ---- programmatic API (same semantics as the attributes) --------------

  /** Thumb up/down; the thumb already pressed withdraws it, as does null. */
  rate(target: Target, up: boolean | null): unknown {
    return this.sendRate(resolveTarget(target), up).receipt;
  }

  score(target: Target, value: number): unknown {
    return this.sendScore(resolveTarget(target), value).receipt;
  }

  comment(target: Target, text: string): unknown {
    return this.sendComment(resolveTarget(target), text).receipt;
  }

  /** "copy" (the whole answer), "regenerate", "edit" or a custom name; counts are absolute. */
  action(target: Target, name: string): unknown {
    return this.sendAction(resolveTarget(target), checkActionName(name)).receipt;
  }

  edit(target: Target, original: string, edited: string): unknown {
    if (typeof original !== 'string') throw invalid('original', 'invalid_argument', 'must be a string');
    if (typeof edited !== 'string') throw invalid('edited', 'invalid_argument', 'must be a string');
    return this.sendEdit(resolveTarget(target), original, edited).receipt;
  }

  /**
   * Read-only view for UIs: they show this instead of keeping their own
   * copy, so "the pressed thumb again withdraws" is judged in one place
   * and what a control shows is what was sent, across reloads too.
   */
  current(target: Target): CapturedState {
    const st = this.state.get(resolveTarget(target).key);
    return { thumb: st.rating === 'up' || st.rating === 'down' ? st.rating : null, score: st.score ?? null };
  }

  /** Calls `listener` after every state change (any caller: code, attributes, a UI). */
  watch(listener: () => void): () => void {
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }

  // ---- signals (shared with the DOM half) --------------------------------

  /** Sends, then keeps the new state: a refused update changes no count or thumb. */
  #send(r: Resolved, feedback: Feedback, next?: TargetState): Sent {
    const receipt = this.host.enrich(r.eventId, feedback);
    if (next) {
      this.state.set(r.key, next);
      this.onState?.(r.key, next);
      for (const w of [...this.#watchers]) {
        try {
          w();
        } catch (e) {
          this.report(e, 'capture.watch');
        }
      }
    }
    return { feedback, receipt };
  }

  sendRate(r: Resolved, up: boolean | null): Sent {
    if (up !== null && typeof up !== 'boolean') throw invalid('up', 'invalid_argument', 'must be true (up), false (down) or null (withdraw)');
    const st = this.state.get(r.key);
    const thumb = up === null ? null : up ? 'up' : 'down';
    if (thumb === null || thumb === st.rating) return this.#send(r, withdrawnFeedback(), { ...st, rating: 'withdrawn' });
    return this.#send(r, ratingFeedback(up as boolean), { ...st, rating: thumb });
  }

  sendScore(r: Resolved, value: number): Sent {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid('score', 'invalid_score', 'must be a finite number, e.g. 1..5 stars');
    return this.#send(r, { score: value }, { ...this.state.get(r.key), score: value });
  }

  sendComment(r: Resolved, text: string): Sent {
    if (typeof text !== 'string') throw invalid('comment', 'invalid_argument', 'must be a string');
    const t = text.trim();
    // Merge cannot clear a comment, so an empty one would only be noise.
    if (t === '') throw invalid('comment', 'empty_comment', 'must not be empty');
    return this.#send(r, { comment: t });
  }

  sendField(r: Resolved, name: string, value: FieldValue): Sent {
    if (RESERVED_FIELDS.has(name)) throw invalid(FIELD, 'reserved_field', `"${name}" is written by a built-in signal`);
    const st = this.state.get(r.key);
    return this.#send(r, { [name]: value }, { ...st, fields: { ...st.fields, [name]: value } });
  }

  #count(r: Resolved, name: string): { n: number; next: TargetState } {
    const st = this.state.get(r.key);
    const n = (st.counts[name] ?? 0) + 1;
    return { n, next: { ...st, counts: { ...st.counts, [name]: n } } };
  }

  /** An action; for "copy", `copiedText` is the answer's text when includeCopiedText is on. */
  sendAction(r: Resolved, name: string, copiedText?: string): Sent {
    const { n, next } = this.#count(r, name);
    if (name === 'copy') return this.#send(r, copyFeedback(n, 1, copiedText), next);
    return this.#send(r, actionFeedback(name, n), next);
  }

  sendCopied(r: Resolved, copiedFraction: number, text: string): Sent {
    const { n, next } = this.#count(r, 'copy');
    return this.#send(r, copyFeedback(n, copiedFraction, this.opts.includeCopiedText ? text : undefined), next);
  }

  sendEdit(r: Resolved, original: string, edited: string): Sent {
    const diff = this.host.diff(original, edited);
    const { n, next } = this.#count(r, 'edit');
    return this.#send(r, editFeedback(n, diff, this.opts.includeEditText), next);
  }

  /** Reports a DOM-side failure; the report path itself must not throw into the page. */
  report(error: unknown, context: string): void {
    try {
      this.host.report(error, context);
    } catch {
      /* ignore */
    }
  }
}
