// Capture: turns clicks, copies and edits in the page (and the matching
// programmatic calls) into feedback objects for the client's host.enrich.
// The programmatic methods throw FeedbackValidationError on bad input; the
// DOM paths catch everything and hand it to host.report, because an exception
// in an event handler would land in the app's window.onerror.
import { TraceFeedbackError } from '../errors.js';
import { isUuid } from '../ids.js';
import { ACTION, EVENT, FIELD, VALUE, coerceValue, parseThumb, type FieldValue } from './attributes.js';
import { makeOperable, reflect } from './aria.js';
import { answerLength, copiedFrom, visibleLength } from './copy.js';
import { EditTracker } from './editables.js';
import {
  actionFeedback,
  checkActionName,
  copyFeedback,
  editFeedback,
  fraction,
  ratingFeedback,
  withdrawnFeedback,
  type DiffResult,
  type Feedback,
} from './signals.js';
import { StateStore, type StorageKind, type TargetState } from './state.js';
import { answerContent, containerOf, invalid, resolveTarget, textOf, type Resolved, type Target } from './targets.js';
import { wire, type DomSink } from './wiring.js';
import { monotonicNow } from '../timers.js';

/** Implemented by the client: queues feedback, diffs texts, reports background errors. */
export interface CaptureHost {
  /** Validates and queues; eventId undefined means the session. Throws FeedbackValidationError. */
  enrich(eventId: string | undefined, feedback: Record<string, unknown>): unknown;
  /** Edit diff from the C++ core: { edits: [...], edit_stats: {...} }. */
  diff(original: string, edited: string): DiffResult;
  /** Errors from DOM event handlers; must not throw. */
  report(error: unknown, context: string): void;
}

export interface CaptureOptions {
  /** Prefix of the storage key for counters and thumb state; default "trace-feedback". */
  namespace?: string;
  /** Removed/inserted texts in `edits`; default true (false keeps only lengths). */
  includeEditText?: boolean;
  /** The copied text as `copy: { text }` (first 4,000 chars); default false. */
  includeCopiedText?: boolean;
  /** Idle time after the last keystroke before an edit is captured; default 1000 ms. */
  editDebounceMs?: number;
  /** Where counters and thumb/score state survive a reload; default "session". */
  countersStorage?: 'session' | 'local' | 'none';
}

interface Resolvedoptions {
  namespace: string;
  includeEditText: boolean;
  includeCopiedText: boolean;
  editDebounceMs: number;
  countersStorage: StorageKind;
}

// Feedback keys the built-in signals own; a custom field of that name would clobber them.
const RESERVED_FIELDS = new Set(['rating', 'rating_withdrawn', 'score', 'comment', 'actions', 'copy', 'edits', 'edit_stats']);
// A copy event right after a copy button is the button's own execCommand('copy').
const COPY_ECHO_MS = 1000;

function bad(message: string): TraceFeedbackError {
  return new TraceFeedbackError('invalid_options', `capture options: ${message}`);
}

function resolveOptions(o: CaptureOptions | undefined): Resolvedoptions {
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

type Root = ParentNode & Node & EventTarget;

export class Capture {
  readonly #host: CaptureHost;
  readonly #opts: Resolvedoptions;
  readonly #state: StateStore;
  readonly #edits: EditTracker;
  readonly #roots = new Map<Root, () => void>();
  readonly #lastComment = new WeakMap<Element, string>();
  #lastCopyButton = { key: '', at: -Infinity };

  constructor(host: CaptureHost, options?: CaptureOptions) {
    this.#host = host;
    this.#opts = resolveOptions(options);
    this.#state = new StateStore(this.#opts.countersStorage, this.#opts.namespace);
    this.#edits = new EditTracker(
      (el, original, edited) => this.#fromDom(el, 'capture.edit', () => this.#edit(resolveTarget(el), original, edited)),
      this.#opts.editDebounceMs,
    );
  }

  // ---- attaching ---------------------------------------------------------

  /** Wires every current and future control under `root`; returns a detach for this root. */
  attach(root?: ParentNode): () => void {
    const r = (root ?? (typeof document === 'undefined' ? undefined : document)) as Root | undefined;
    if (!r || typeof (r as Node).nodeType !== 'number' || typeof r.addEventListener !== 'function') {
      throw new TraceFeedbackError('invalid_root', 'attach(root): root must be a Document, Element or ShadowRoot');
    }
    if (!this.#roots.has(r)) this.#roots.set(r, wire(r, this.#sink()));
    return () => this.#detachRoot(r);
  }

  /** Removes every listener and observer, after sending edits still waiting for their timer. */
  detach(): void {
    for (const r of Array.from(this.#roots.keys())) this.#detachRoot(r);
  }

  #detachRoot(r: Root): void {
    const undo = this.#roots.get(r);
    this.#roots.delete(r);
    undo?.();
  }

  // ---- programmatic API (same semantics as the attributes) --------------

  /** Thumb up/down; the thumb already pressed withdraws it, as does null. */
  rate(target: Target, up: boolean | null): unknown {
    return this.#rate(resolveTarget(target), up).receipt;
  }

  score(target: Target, value: number): unknown {
    return this.#score(resolveTarget(target), value).receipt;
  }

  comment(target: Target, text: string): unknown {
    return this.#comment(resolveTarget(target), text).receipt;
  }

  /** "copy" (the whole answer), "regenerate", "edit" or a custom name; counts are absolute. */
  action(target: Target, name: string): unknown {
    return this.#action(resolveTarget(target), checkActionName(name)).receipt;
  }

  edit(target: Target, original: string, edited: string): unknown {
    if (typeof original !== 'string') throw invalid('original', 'invalid_argument', 'must be a string');
    if (typeof edited !== 'string') throw invalid('edited', 'invalid_argument', 'must be a string');
    return this.#edit(resolveTarget(target), original, edited).receipt;
  }

  // ---- signals -----------------------------------------------------------

  /** Sends, then keeps the new state: a refused update changes no count or thumb. */
  #send(r: Resolved, feedback: Feedback, next?: TargetState): Sent {
    const receipt = this.#host.enrich(r.eventId, feedback);
    if (next) {
      this.#state.set(r.key, next);
      this.#refresh(r.key, next);
    }
    return { feedback, receipt };
  }

  #rate(r: Resolved, up: boolean | null): Sent {
    if (up !== null && typeof up !== 'boolean') throw invalid('up', 'invalid_argument', 'must be true (up), false (down) or null (withdraw)');
    const st = this.#state.get(r.key);
    const thumb = up === null ? null : up ? 'up' : 'down';
    if (thumb === null || thumb === st.rating) return this.#send(r, withdrawnFeedback(), { ...st, rating: 'withdrawn' });
    return this.#send(r, ratingFeedback(up as boolean), { ...st, rating: thumb });
  }

  #score(r: Resolved, value: number): Sent {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid('score', 'invalid_score', 'must be a finite number, e.g. 1..5 stars');
    return this.#send(r, { score: value }, { ...this.#state.get(r.key), score: value });
  }

  #comment(r: Resolved, text: string): Sent {
    if (typeof text !== 'string') throw invalid('comment', 'invalid_argument', 'must be a string');
    const t = text.trim();
    // Merge cannot clear a comment, so an empty one would only be noise.
    if (t === '') throw invalid('comment', 'empty_comment', 'must not be empty');
    return this.#send(r, { comment: t });
  }

  #field(r: Resolved, name: string, value: FieldValue): Sent {
    if (RESERVED_FIELDS.has(name)) throw invalid(FIELD, 'reserved_field', `"${name}" is written by a built-in signal`);
    const st = this.#state.get(r.key);
    return this.#send(r, { [name]: value }, { ...st, fields: { ...st.fields, [name]: value } });
  }

  #count(r: Resolved, name: string): { st: TargetState; n: number; next: TargetState } {
    const st = this.#state.get(r.key);
    const n = (st.counts[name] ?? 0) + 1;
    return { st, n, next: { ...st, counts: { ...st.counts, [name]: n } } };
  }

  #action(r: Resolved, name: string, extra?: Record<string, unknown>): Sent {
    const { n, next } = this.#count(r, name);
    if (name === 'copy') return this.#send(r, copyFeedback(n, 1, extra?.copied_text as string | undefined), next);
    return this.#send(r, actionFeedback(name, n), next);
  }

  #copied(r: Resolved, copiedFraction: number, text: string): Sent {
    const { n, next } = this.#count(r, 'copy');
    return this.#send(r, copyFeedback(n, copiedFraction, this.#opts.includeCopiedText ? text : undefined), next);
  }

  #edit(r: Resolved, original: string, edited: string): Sent {
    const diff = this.#host.diff(original, edited);
    const { n, next } = this.#count(r, 'edit');
    return this.#send(r, editFeedback(n, diff, this.#opts.includeEditText), next);
  }

  // ---- DOM side ------------------------------------------------------------

  #report(error: unknown, context: string): void {
    try {
      this.#host.report(error, context);
    } catch {
      /* the report path itself must not throw into the page */
    }
  }

  /** Runs a DOM-originated capture; tells the page how it went with a bubbling event. */
  #fromDom(source: Element, context: string, fn: () => Sent | undefined): void {
    try {
      const sent = fn();
      if (!sent) return;
      const { receipt } = sent;
      if (receipt && typeof (receipt as PromiseLike<unknown>).then === 'function') {
        (receipt as PromiseLike<unknown>).then(undefined, (e: unknown) => this.#report(e, context));
      }
      source.dispatchEvent(new CustomEvent('feedback:captured', { bubbles: true, composed: true, detail: sent }));
    } catch (error) {
      this.#report(error, context);
      try {
        source.dispatchEvent(new CustomEvent('feedback:error', { bubbles: true, composed: true, detail: { error } }));
      } catch {
        /* ignore */
      }
    }
  }

  #activate(control: Element): void {
    const action = control.getAttribute(ACTION);
    if (action !== null) {
      this.#fromDom(control, 'capture.action', () => {
        const r = resolveTarget(control);
        const name = checkActionName(action.trim());
        if (name !== 'copy') return this.#action(r, name);
        this.#lastCopyButton = { key: r.key, at: monotonicNow() };
        const container = containerOf(control);
        const text = this.#opts.includeCopiedText && container ? textOf(answerContent(container)) : undefined;
        return this.#action(r, 'copy', text === undefined ? undefined : { copied_text: text });
      });
    }
    const field = control.getAttribute(FIELD);
    if (field === null || field === 'comment') return;
    const raw = control.getAttribute(VALUE);
    this.#fromDom(control, `capture.${field}`, () => {
      const r = resolveTarget(control);
      if (field === 'rating') {
        const up = parseThumb(raw);
        if (up === undefined) throw invalid(VALUE, 'invalid_rating', `rating needs "up" or "down", got ${JSON.stringify(raw)}`);
        return this.#rate(r, up);
      }
      if (field === 'score') return this.#score(r, raw === null || raw.trim() === '' ? NaN : Number(raw));
      return this.#field(r, field, coerceValue(raw));
    });
  }

  #domComment(source: Element, field: Element | null): void {
    this.#fromDom(source, 'capture.comment', () => {
      if (!field) throw invalid('comment', 'missing_comment_field', 'the form has no field named "comment" or marked data-feedback-comment');
      const text = (field.tagName === 'TEXTAREA' || field.tagName === 'INPUT' ? (field as HTMLTextAreaElement).value : field.textContent ?? '').trim();
      // Blur after blur with the same text is one comment, not several.
      if (text === '' || (source === field && this.#lastComment.get(source) === text)) return undefined;
      const sent = this.#comment(resolveTarget(source), text);
      this.#lastComment.set(source, text);
      return sent;
    });
  }

  #domCopy(event: ClipboardEvent, root: Root): void {
    const doc = root.nodeType === 9 ? (root as unknown as Document) : (root.ownerDocument as Document);
    const from = event.target as Node | null;
    const target = from && from.nodeType === 1 ? (from as Element) : (from?.parentElement ?? null);
    for (const c of copiedFrom(doc.getSelection(), target)) {
      if (!root.contains(c.content)) continue;
      this.#fromDom(c.content, 'capture.copy', () => {
        const r = resolveTarget(c.content);
        if (r.key === this.#lastCopyButton.key && monotonicNow() - this.#lastCopyButton.at < COPY_ECHO_MS) return undefined;
        return this.#copied(r, fraction(visibleLength(c.text), answerLength(c.content)), c.text);
      });
    }
  }

  /** State key of a control, or undefined while its container has no valid id yet. */
  #keyOf(control: Element): string | undefined {
    const container = containerOf(control);
    if (!container) return '';
    const id = container.getAttribute(EVENT);
    return isUuid(id) ? id.toLowerCase() : undefined;
  }

  #refresh(key: string, state: TargetState): void {
    for (const root of this.#roots.keys()) {
      for (const c of Array.from(root.querySelectorAll(`[${FIELD}]`))) {
        if (this.#keyOf(c) === key) reflect(c, state);
      }
    }
  }

  #sink(): DomSink {
    return {
      activate: (c) => this.#activate(c),
      comment: (source, field) => this.#domComment(source, field),
      copy: (e, root) => this.#domCopy(e, root as Root),
      decorate: (c, batch) => {
        const added = makeOperable(c);
        const key = this.#keyOf(c);
        if (key !== undefined) {
          let st = batch.get(key) as TargetState | undefined;
          if (!st) batch.set(key, (st = this.#state.get(key)));
          reflect(c, st);
        }
        return added;
      },
      edits: this.#edits,
      report: (e, context) => this.#report(e, context),
    };
  }
}

interface Sent {
  feedback: Feedback;
  receipt: unknown;
}
