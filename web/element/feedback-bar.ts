// <feedback-bar event-id="…" stars="5" comment>: thumbs, optional stars and
// an optional comment box for one answer, in a shadow root. Native buttons
// (Tab, Enter, Space), arrow keys between stars, aria-pressed states, an
// aria-live status; each capture dispatches a bubbling, composed
// `feedback:captured` event (detail: { eventId, signal, value, receipt }).
import { AnswerStore, answerActions, storeFor, type AnswerActions, type AnswerState, type CapturedDetail } from '../entry/answer-state.js';
import { createFeedback, type FeedbackHandle } from '../facade.js';
import type { InitOptions } from '../entry/options.js';
import { STYLES } from './styles.js';

let shared: FeedbackHandle<object> | undefined;

/**
 * Sets the client every `<feedback-bar>` uses (unless an element has its
 * own `feedback` property): options for `createFeedback()`, or a handle.
 * Without it, the first element creates one with `endpoint` from its
 * `endpoint` attribute (default "/feedback").
 *
 * @example
 * ```ts
 * import { configureFeedbackBar } from 'trace-feedback/element';
 * configureFeedbackBar({ endpoint: '/feedback', token: () => window.feedbackToken });
 * ```
 */
export function configureFeedbackBar(options: InitOptions | FeedbackHandle<object>): FeedbackHandle<object> {
  shared = isHandle(options) ? options : createFeedback(options);
  // Bars already in the page (upgraded when the import ran, before this
  // call) now show and send through this client.
  for (const rebind of connected.values()) rebind();
  return shared;
}

/** Connected bars without their own handle, to rebind when the shared one is set. */
const connected = new Map<HTMLElement, () => void>();
/** What a bar shows before any client exists (nothing chosen yet). */
const noClient = new AnswerStore();

function isHandle(v: unknown): v is FeedbackHandle<object> {
  return typeof v === 'object' && v !== null && typeof (v as { enrichSpan?: unknown }).enrichSpan === 'function' && 'ready' in v;
}

const OBSERVED = ['event-id', 'stars', 'comment', 'label'];

/** Builds the element class lazily: HTMLElement does not exist on a server. */
export function feedbackBarClass(): CustomElementConstructor {
  return class FeedbackBar extends HTMLElement {
    static observedAttributes = OBSERVED;
    #handle: FeedbackHandle<object> | undefined;
    #unsubscribe: (() => void) | undefined;
    readonly #root: ShadowRoot;

    constructor() {
      super();
      this.#root = this.attachShadow({ mode: 'open' });
    }

    /**
     * The handle this element sends through: its own, else the shared one,
     * read at each use, so a configureFeedbackBar() after the import (the
     * usual order in a page) still applies to bars already upgraded. A
     * default one (the `endpoint` attribute) is created only on first use.
     */
    get feedback(): FeedbackHandle<object> {
      return this.#handle ?? shared ?? configureFeedbackBar({ endpoint: this.getAttribute('endpoint') ?? '/feedback' });
    }
    set feedback(handle: FeedbackHandle<object>) {
      this.#handle = handle;
      if (this.isConnected) this.#bind();
    }

    connectedCallback(): void {
      connected.set(this, () => this.#bind());
      this.#subscribe();
      this.#render();
    }

    disconnectedCallback(): void {
      connected.delete(this);
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
    }

    /** The store of the handle in use, if there is one yet (nothing is created to look). */
    #store(): AnswerStore {
      const h = this.#handle ?? shared;
      return h ? storeFor(h) : noClient;
    }

    #subscribe(): void {
      this.#unsubscribe?.();
      this.#unsubscribe = this.#store().subscribe(() => this.#sync());
    }

    #bind(): void {
      this.#subscribe();
      this.#sync();
    }

    attributeChangedCallback(name: string, old: string | null, value: string | null): void {
      if (!this.isConnected || old === value) return;
      // A streamed answer gets its span id late: same controls, that answer's
      // state. Re-rendering here would throw away a comment being typed.
      if (name === 'event-id') return this.#sync();
      this.#render();
    }

    get #eventId(): string {
      return this.getAttribute('event-id') ?? '';
    }

    get #stars(): number {
      const n = Number(this.getAttribute('stars') ?? 0);
      return Number.isInteger(n) && n > 0 && n <= 10 ? n : 0;
    }

    #actions(): AnswerActions {
      const handle = this.feedback;
      return answerActions(handle, storeFor(handle), this.#eventId, (detail: CapturedDetail) => {
        this.#announce('Thanks for your feedback');
        this.dispatchEvent(new CustomEvent('feedback:captured', { detail, bubbles: true, composed: true }));
      });
    }

    #state(): AnswerState {
      return this.#store().get(this.#eventId);
    }

    #render(): void {
      const label = this.getAttribute('label') ?? 'Feedback on this answer';
      const stars = this.#stars;
      let html = `<style>${STYLES}</style><div part="bar" role="group" aria-label="${escapeAttr(label)}">`;
      html += `<div part="thumbs" role="group" aria-label="Rate this answer">`;
      html += `<button type="button" part="thumb thumb-up" data-thumb="up" aria-label="Good answer"><slot name="up">👍</slot></button>`;
      html += `<button type="button" part="thumb thumb-down" data-thumb="down" aria-label="Bad answer"><slot name="down">👎</slot></button></div>`;
      if (stars) {
        html += `<div part="stars" role="group" aria-label="Score this answer">`;
        for (let n = 1; n <= stars; n++) {
          html += `<button type="button" part="star" data-star="${n}" aria-label="${n} of ${stars} stars" tabindex="${n === 1 ? 0 : -1}">☆</button>`;
        }
        html += `</div>`;
      }
      if (this.hasAttribute('comment')) {
        html += `<form part="comment"><label class="sr-only" for="c">Comment</label>`;
        html += `<textarea id="c" part="comment-input" rows="1" placeholder="${escapeAttr(this.getAttribute('comment') || 'Add a comment')}"></textarea>`;
        html += `<button type="submit" part="comment-submit" disabled>Send</button></form>`;
      }
      html += `<span part="status" role="status" aria-live="polite" class="sr-only"></span></div>`;
      // What the user is typing survives a re-render (a `label` or `stars` change).
      const typed = this.#root.querySelector('textarea')?.value ?? '';
      this.#root.innerHTML = html;
      const input = this.#root.querySelector('textarea');
      if (input && typed) {
        input.value = typed;
        const submit = this.#root.querySelector<HTMLButtonElement>('[part~="comment-submit"]');
        if (submit) submit.disabled = typed.trim() === '';
      }
      this.#wire();
      this.#sync();
    }

    #wire(): void {
      const root = this.#root;
      for (const b of root.querySelectorAll<HTMLButtonElement>('[data-thumb]')) {
        b.addEventListener('click', () => this.#actions().rate(b.dataset.thumb === 'up'));
      }
      const stars = [...root.querySelectorAll<HTMLButtonElement>('[data-star]')];
      stars.forEach((b, i) => {
        b.addEventListener('click', () => this.#actions().setScore(i + 1));
        b.addEventListener('keydown', (e) => {
          const step = e.key === 'ArrowRight' || e.key === 'ArrowUp' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowDown' ? -1 : 0;
          if (!step) return;
          e.preventDefault();
          const next = stars[Math.min(stars.length - 1, Math.max(0, i + step))];
          for (const s of stars) s.tabIndex = s === next ? 0 : -1;
          next.focus();
        });
      });
      const form = root.querySelector('form');
      const input = root.querySelector('textarea');
      const submit = root.querySelector<HTMLButtonElement>('[part~="comment-submit"]');
      if (form && input && submit) {
        const send = () => {
          const text = input.value.trim();
          if (!text) return;
          // Refused by the loaded client (too long, no span id yet): the reason
          // went to onError; keep what the user wrote.
          if (this.#actions().sendComment(text) === undefined && this.feedback.client !== undefined) return;
          input.value = '';
          submit.disabled = true;
        };
        input.addEventListener('input', () => (submit.disabled = input.value.trim() === ''));
        input.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            send();
          }
        });
        form.addEventListener('submit', (e) => {
          e.preventDefault();
          send();
        });
      }
    }

    /** Pressed states from the shared answer state (another bar may have changed it). */
    #sync(): void {
      const st = this.#state();
      for (const b of this.#root.querySelectorAll<HTMLButtonElement>('[data-thumb]')) {
        b.setAttribute('aria-pressed', String(st.thumb === b.dataset.thumb));
      }
      for (const b of this.#root.querySelectorAll<HTMLButtonElement>('[data-star]')) {
        const on = st.score !== null && Number(b.dataset.star) <= st.score;
        b.setAttribute('aria-pressed', String(on));
        b.textContent = on ? '★' : '☆';
      }
    }

    #announce(text: string): void {
      const status = this.#root.querySelector('[part~="status"]');
      if (status) status.textContent = text;
    }
  };
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * Registers `<feedback-bar>` (or `tag`) once; a no-op on a server or when
 * already defined. `import 'trace-feedback/element'` calls it.
 *
 * @example
 * ```ts
 * import { defineFeedbackBar } from 'trace-feedback/element';
 * defineFeedbackBar('my-feedback'); // <my-feedback event-id="…" stars="5">
 * ```
 */
export function defineFeedbackBar(tag = 'feedback-bar'): void {
  if (typeof customElements === 'undefined' || customElements.get(tag)) return;
  customElements.define(tag, feedbackBarClass());
}
