// DomCapture: the DOM half of capture. Turns clicks, copies and edits in the
// page into the CaptureCore's signals, and shows each target's state on its
// controls (aria-pressed). The client loads this module only when attach()
// is called. Every DOM path catches everything and hands it to
// core.report: an exception in an event handler would land in the app's
// window.onerror.
import { isUuid } from '../ids.js';
import { monotonicNow } from '../timers.js';
import { ACTION, EVENT, FIELD, VALUE, coerceValue, parseThumb } from './attributes.js';
import { makeOperable, reflect } from './aria.js';
import { answerLength, copiedFrom, visibleLength } from './copy.js';
import { checkRoot, type CaptureCore, type Root, type Sent } from './core.js';
import { EditTracker } from './editables.js';
import { checkActionName, fraction } from './signals.js';
import type { TargetState } from './state.js';
import { answerContent, containerOf, invalid, resolveTarget, textOf } from './targets.js';
import { wire, type DomSink } from './wiring.js';

// A copy event right after a copy button is the button's own execCommand('copy').
const COPY_ECHO_MS = 1000;

export class DomCapture {
  readonly #core: CaptureCore;
  readonly #edits: EditTracker;
  readonly #roots = new Map<Root, () => void>();
  readonly #lastComment = new WeakMap<Element, string>();
  #lastCopyButton = { key: '', at: -Infinity };
  /** Edits waiting for the diff module (loading, or failed and retried on the next edit), in order. */
  #waitingEdits: Array<{ el: Element; original: string; edited: string }> = [];
  #diffLoading = false;

  constructor(core: CaptureCore) {
    this.#core = core;
    core.onState = (key, state) => this.#refresh(key, state);
    this.#edits = new EditTracker((el, original, edited) => this.#sendEdit(el, original, edited), core.opts.editDebounceMs);
    // Editable answers need the diff module: fetch it now, while the user
    // reads, not when the first edit is captured (a failure goes to onError
    // and the first edit tries again).
    this.#loadDiff();
  }

  /** Sends an edit once the diff module is there; never throws into the page. */
  #sendEdit(el: Element, original: string, edited: string): void {
    this.#waitingEdits.push({ el, original, edited });
    if (this.#core.host.diffLoaded()) this.#drainEdits();
    else this.#loadDiff();
  }

  #drainEdits(): void {
    const waiting = this.#waitingEdits;
    this.#waitingEdits = [];
    for (const { el, original, edited } of waiting) {
      this.#fromDom(el, 'capture.edit', () => this.#core.sendEdit(resolveTarget(el), original, edited));
    }
  }

  #loadDiff(): void {
    if (this.#diffLoading || this.#core.host.diffLoaded()) return;
    this.#diffLoading = true;
    let loading: Promise<void>;
    try {
      loading = this.#core.host.loadDiff();
    } catch (e) {
      this.#diffLoading = false;
      this.#core.report(e, 'capture.edit');
      return;
    }
    loading.then(
      () => {
        this.#diffLoading = false;
        this.#drainEdits();
      },
      () => {
        // Reported to onError by the client; the edits stay for the next try.
        this.#diffLoading = false;
      },
    );
  }

  /** Wires every current and future control under `root`; returns a detach for this root. */
  attach(root?: ParentNode): () => void {
    const r = checkRoot(root);
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

  /** Runs a DOM-originated capture; tells the page how it went with a bubbling event. */
  #fromDom(source: Element, context: string, fn: () => Sent | undefined): void {
    try {
      const sent = fn();
      if (!sent) return;
      const { receipt } = sent;
      if (receipt && typeof (receipt as PromiseLike<unknown>).then === 'function') {
        (receipt as PromiseLike<unknown>).then(undefined, (e: unknown) => this.#core.report(e, context));
      }
      source.dispatchEvent(new CustomEvent('feedback:captured', { bubbles: true, composed: true, detail: sent }));
    } catch (error) {
      this.#core.report(error, context);
      try {
        source.dispatchEvent(new CustomEvent('feedback:error', { bubbles: true, composed: true, detail: { error } }));
      } catch {
        /* ignore */
      }
    }
  }

  #activate(control: Element): void {
    const core = this.#core;
    const action = control.getAttribute(ACTION);
    if (action !== null) {
      this.#fromDom(control, 'capture.action', () => {
        const r = resolveTarget(control);
        const name = checkActionName(action.trim());
        if (name !== 'copy') return core.sendAction(r, name);
        this.#lastCopyButton = { key: r.key, at: monotonicNow() };
        const container = containerOf(control);
        return core.sendAction(r, 'copy', core.opts.includeCopiedText && container ? textOf(answerContent(container)) : undefined);
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
        return core.sendRate(r, up);
      }
      if (field === 'score') return core.sendScore(r, raw === null || raw.trim() === '' ? NaN : Number(raw));
      return core.sendField(r, field, coerceValue(raw));
    });
  }

  #domComment(source: Element, field: Element | null): void {
    this.#fromDom(source, 'capture.comment', () => {
      if (!field) throw invalid('comment', 'missing_comment_field', 'the form has no field named "comment" or marked data-feedback-comment');
      const text = (field.tagName === 'TEXTAREA' || field.tagName === 'INPUT' ? (field as HTMLTextAreaElement).value : field.textContent ?? '').trim();
      // Blur after blur with the same text is one comment, not several.
      if (text === '' || (source === field && this.#lastComment.get(source) === text)) return undefined;
      const sent = this.#core.sendComment(resolveTarget(source), text);
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
        return this.#core.sendCopied(r, fraction(visibleLength(c.text), answerLength(c.content)), c.text);
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
          if (!st) batch.set(key, (st = this.#core.state.get(key)));
          reflect(c, st);
        }
        return added;
      },
      edits: this.#edits,
      report: (e, context) => this.#core.report(e, context),
    };
  }
}
