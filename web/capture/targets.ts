// What a piece of feedback is about: an event (span) id, an element inside an
// answer container, or the session. Also finds an answer's text, which copy
// fractions are measured against.
import { FeedbackValidationError, type FeedbackIssue, type FeedbackIssueCode } from '../errors.js';
import { checkId } from '../ids.js';
import { CONTAINER_SELECTOR, CONTENT, EDITABLE, EVENT } from './attributes.js';

/**
 * What a capture helper's feedback is about: an event id (UUID), an Element
 * inside an answer (its `[data-feedback-event]` container names the event),
 * or null/undefined for the session.
 *
 * @example
 * ```ts
 * client.rate(eventId, true);                         // a span, by id
 * client.rate(document.querySelector('#answer-3')!, false); // the answer this element is in
 * client.score(null, 4);                              // the whole session
 * ```
 */
export type Target = string | Element | null | undefined;

export interface Resolved {
  /** The span, or undefined for the session. */
  eventId: string | undefined;
  /** Counter/state key: the lower-cased id, '' for the session. */
  key: string;
}

export const SESSION: Resolved = { eventId: undefined, key: '' };

export function invalid(path: string, code: FeedbackIssueCode, what: string): FeedbackValidationError {
  const issue: FeedbackIssue = { path, code, message: `${path}: ${what} (${code})` };
  return new FeedbackValidationError([issue]);
}

// nodeType rather than instanceof: elements from an iframe are still elements.
export function isElement(value: unknown): value is Element {
  return typeof value === 'object' && value !== null && (value as Node).nodeType === 1 && typeof (value as Element).closest === 'function';
}

/** The container ([data-feedback-event]) an element belongs to, if any. */
export function containerOf(el: Element): Element | null {
  return el.closest(CONTAINER_SELECTOR);
}

function fromId(id: string, path: string): Resolved {
  const bad = checkId(path, id);
  if (bad) throw new FeedbackValidationError([bad]);
  return { eventId: id, key: id.toLowerCase() };
}

/** Throws FeedbackValidationError for anything that is not a Target or not a UUID. */
export function resolveTarget(target: Target): Resolved {
  if (target === null || target === undefined) return SESSION;
  if (typeof target === 'string') return fromId(target, 'target');
  if (isElement(target)) {
    const container = containerOf(target);
    if (!container) return SESSION;
    // An empty id usually means the answer is still streaming: refusing is
    // better than silently filing the feedback under the session.
    return fromId(container.getAttribute(EVENT) ?? '', `target[${EVENT}]`);
  }
  throw invalid('target', 'invalid_target', 'must be an event id, an Element, or null for the session');
}

/** The element holding an answer's text: [data-feedback-content], the editable, or the container. */
export function answerContent(container: Element): Element {
  if (container.hasAttribute(CONTENT)) return container;
  return container.querySelector(`[${CONTENT}]`) ?? container.querySelector(`[${EDITABLE}]`) ?? container;
}

/** Content element for a node inside an answer, or null outside any answer. */
export function contentAround(node: Node): Element | null {
  const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
  if (!el) return null;
  const marked = el.closest(`[${CONTENT}]`);
  const container = containerOf(el);
  // A content mark inside the container wins; one outside belongs to no span.
  if (marked && (!container || container.contains(marked))) return marked;
  return container ? answerContent(container) : null;
}

/** Text of a content element as the user sees it (value for form controls). */
export function textOf(el: Element): string {
  if (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT') return (el as HTMLTextAreaElement).value;
  return el.textContent ?? '';
}
