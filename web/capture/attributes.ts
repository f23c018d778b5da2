// The HTML attributes that wire an answer's feedback controls, and how their
// values are read. Markup is the declarative API, so every attribute is listed
// here (and in web/capture/README.md):
//
//   data-feedback-event="<event_id>"   On an answer's container: the span the
//                                      feedback goes to. Controls outside any
//                                      container send feedback to the session.
//   data-feedback-content              Optional, inside a container: the answer
//                                      text itself (what copied_fraction is
//                                      measured against). Default: the container.
//                                      Without a container it marks answer text
//                                      whose copies count for the session.
//   data-feedback="rating"             Thumb. data-feedback-value="up" | "down".
//                                      Sends { rating: true|false, rating_withdrawn: false };
//                                      the same thumb again sends
//                                      { rating_withdrawn: true } (undo; merge-only
//                                      storage cannot delete `rating`).
//                                      aria-pressed reflects the current thumb.
//   data-feedback="score"              Star. data-feedback-value="1".."5" →
//                                      { score: n }; aria-pressed="true" on the
//                                      chosen star and the ones below it.
//   data-feedback="comment"            On a <form>: its field named "comment" (or
//                                      marked data-feedback-comment) is sent on
//                                      submit, and the submit default is prevented.
//                                      On a <textarea>/<input>: sent on blur and on
//                                      Ctrl/Cmd+Enter → { comment: "..." }.
//   data-feedback="<field>"            Any other key: { <field>: value } where
//   data-feedback-value="..."          "true"/"false" become booleans, numeric
//                                      strings numbers, anything else stays a
//                                      string; no value means true. aria-pressed
//                                      marks the control holding the current value.
//   data-feedback-action="copy"        Copy button: the whole answer was copied.
//   data-feedback-action="regenerate"  Regenerate button.
//   data-feedback-action="<name>"      Any other action: actions.<name>, actions.<name>_count.
//   data-feedback-editable             On a contenteditable or <textarea> answer:
//                                      edits are diffed against the original and
//                                      sent after typing stops or on blur.
//   data-feedback-original="..."       Optional, on the editable: the original
//                                      answer text. Default: the text when first
//                                      focused (before the first keystroke).
//
// Controls that are not native buttons get role="button" and tabindex="0"
// (unless already set) so Enter and Space work from the keyboard.

export const EVENT = 'data-feedback-event';
export const CONTENT = 'data-feedback-content';
export const FIELD = 'data-feedback';
export const VALUE = 'data-feedback-value';
export const ACTION = 'data-feedback-action';
export const EDITABLE = 'data-feedback-editable';
export const ORIGINAL = 'data-feedback-original';
export const COMMENT_FIELD = 'data-feedback-comment';

export const CONTAINER_SELECTOR = `[${EVENT}]`;
export const CONTROL_SELECTOR = `[${FIELD}], [${ACTION}]`;
export const EDITABLE_SELECTOR = `[${EDITABLE}]`;
/** Attributes whose appearance or change means an element needs (re)wiring. */
export const WATCHED = [EVENT, FIELD, VALUE, ACTION, EDITABLE];

export type FieldValue = string | number | boolean;

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** Attribute text → feedback value; strict so "007" or "1e3" stay strings. */
export function coerceValue(raw: string | null): FieldValue {
  if (raw === null) return true;
  const s = raw.trim();
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (NUMBER.test(s)) {
    const n = Number(s);
    if (Number.isFinite(n)) return n;
  }
  return raw;
}

/** Thumb value: "up"/"down" (also "true"/"false"); undefined when unusable. */
export function parseThumb(raw: string | null): boolean | undefined {
  const s = (raw ?? '').trim().toLowerCase();
  if (s === 'up' || s === 'true') return true;
  if (s === 'down' || s === 'false') return false;
  return undefined;
}

/** Elements that already turn Enter/Space into a click by themselves. */
export function isNativeButton(el: Element): boolean {
  const tag = el.tagName;
  if (tag === 'BUTTON' || tag === 'SUMMARY') return true;
  if (tag === 'INPUT') {
    const type = (el.getAttribute('type') ?? '').toLowerCase();
    return type === 'button' || type === 'submit' || type === 'reset' || type === 'checkbox' || type === 'radio';
  }
  return false;
}

/** Form, textarea and text inputs carry comments; they are never clicked. */
export function isTextControl(el: Element): boolean {
  const tag = el.tagName;
  if (tag === 'FORM' || tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return tag === 'INPUT' && !isNativeButton(el);
}

/** A clickable control: a button-like element with data-feedback or data-feedback-action. */
export function isClickControl(el: Element): boolean {
  if (isTextControl(el)) return false;
  return el.hasAttribute(ACTION) || (el.hasAttribute(FIELD) && el.getAttribute(FIELD) !== 'comment');
}
