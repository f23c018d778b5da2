// What a copy event copied from which answer. Only lengths leave this file
// unless the app opted into copied text. A selection may cross several
// answers (each gets its share) or none (nothing is captured: copying other
// page text is not feedback on an answer).
import { CONTAINER_SELECTOR, CONTENT } from './attributes.js';
import { answerContent, contentAround, textOf } from './targets.js';

export interface Copied {
  /** The answer text element the copy came from. */
  content: Element;
  text: string;
}

/** The part of `range` inside `el`, as text. */
function textWithin(range: Range, el: Element): string {
  const doc = el.ownerDocument;
  const r = doc.createRange();
  r.selectNodeContents(el);
  if (range.compareBoundaryPoints(Range.START_TO_START, r) > 0) r.setStart(range.startContainer, range.startOffset);
  if (range.compareBoundaryPoints(Range.END_TO_END, r) < 0) r.setEnd(range.endContainer, range.endOffset);
  return r.collapsed ? '' : r.toString();
}

/** Answer contents a range touches, outermost first and without duplicates. */
function contentsIn(range: Range): Element[] {
  const around = contentAround(range.commonAncestorContainer);
  if (around) return [around];
  const anc = range.commonAncestorContainer;
  const scope = anc.nodeType === 1 ? (anc as Element) : anc.parentElement;
  if (!scope) return [];
  const found: Element[] = [];
  for (const el of Array.from(scope.querySelectorAll(`${CONTAINER_SELECTOR}, [${CONTENT}]`))) {
    if (!range.intersectsNode(el)) continue;
    const content = el.matches(CONTAINER_SELECTOR) ? answerContent(el) : contentAround(el);
    if (content && !found.some((f) => f === content || f.contains(content))) found.push(content);
  }
  return found;
}

/** Per answer, what a copy event copied. `target` is the copy event's target. */
export function copiedFrom(selection: Selection | null, target: Element | null): Copied[] {
  // Text controls keep their selection out of window.getSelection().
  if (target && (target.tagName === 'TEXTAREA' || target.tagName === 'INPUT')) {
    const input = target as HTMLTextAreaElement;
    const content = contentAround(input);
    if (!content) return [];
    const start = input.selectionStart ?? 0;
    const end = input.selectionEnd ?? 0;
    return end > start ? [{ content, text: input.value.slice(start, end) }] : [];
  }
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return [];
  const byContent = new Map<Element, string>();
  for (let i = 0; i < selection.rangeCount; i++) {
    const range = selection.getRangeAt(i);
    for (const content of contentsIn(range)) {
      const text = textWithin(range, content);
      if (text) byContent.set(content, (byContent.get(content) ?? '') + text);
    }
  }
  return Array.from(byContent, ([content, text]) => ({ content, text })).filter((c) => c.text.trim() !== '');
}

/**
 * Length with whitespace runs counted once and ends trimmed: markup
 * indentation between paragraphs (which a triple-click selection includes)
 * must not count as copied characters.
 */
export function visibleLength(text: string): number {
  return text.replace(/\s+/g, ' ').trim().length;
}

/** Length of the whole answer, in the same units as the copied text. */
export function answerLength(content: Element): number {
  return visibleLength(textOf(content));
}
