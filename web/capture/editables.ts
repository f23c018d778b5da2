// Edits of an editable answer: the original is taken once, before the first
// change, and each capture diffs original → current text, so every update
// carries the whole edit (arrays are replaced on merge, never appended).
// Typing only re-arms a timer; the diff runs when typing stops or focus
// leaves, so even a 100 KB answer is diffed a handful of times, not per key.
import { ORIGINAL } from './attributes.js';

interface EditState {
  original: string;
  /** Text of the last capture; nothing is sent while it is unchanged. */
  sent: string;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** What the tracker needs from Capture: send one edit, or report why not. */
export type SendEdit = (el: Element, original: string, edited: string) => void;

/** Text as the user sees it: line breaks from <div>/<br> count, unlike textContent. */
export function editableText(el: Element): string {
  if (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT') return (el as HTMLTextAreaElement).value;
  const inner = (el as HTMLElement).innerText;
  return typeof inner === 'string' ? inner : (el.textContent ?? '');
}

export class EditTracker {
  readonly #states = new WeakMap<Element, EditState>();
  readonly #pending = new Set<Element>();
  readonly #send: SendEdit;
  #debounceMs: number;

  constructor(send: SendEdit, debounceMs: number) {
    this.#send = send;
    this.#debounceMs = debounceMs;
  }

  /** On focus and before the first input: fixes the original if not yet known. */
  begin(el: Element): void {
    if (this.#states.has(el)) return;
    const original = el.getAttribute(ORIGINAL) ?? editableText(el);
    this.#states.set(el, { original, sent: original, timer: undefined });
  }

  /** After each input: (re)starts the idle timer. */
  changed(el: Element): void {
    this.begin(el);
    const s = this.#states.get(el)!;
    if (s.timer !== undefined) clearTimeout(s.timer);
    this.#pending.add(el);
    s.timer = setTimeout(() => this.flush(el), this.#debounceMs);
  }

  /** Sends now if the text differs from the last capture (blur, detach, page hide). */
  flush(el: Element): void {
    const s = this.#states.get(el);
    this.#pending.delete(el);
    if (!s) return;
    if (s.timer !== undefined) clearTimeout(s.timer);
    s.timer = undefined;
    const text = editableText(el);
    if (text === s.sent) return;
    // Marked as sent first: a failing send is reported once, not retried per blur.
    s.sent = text;
    this.#send(el, s.original, text);
  }

  flushAll(): void {
    for (const el of Array.from(this.#pending)) this.flush(el);
  }
}
