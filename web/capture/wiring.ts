// Event delegation for one attached root: a fixed set of listeners on the
// root plus a MutationObserver, so answers streamed in later need no code.
// Listeners run in the capture phase: an app handler that stops propagation
// on its own thumbs must not hide the click from us. Every handler is
// guarded: a failure is reported to the app, never thrown into the page.
import {
  COMMENT_FIELD,
  CONTROL_SELECTOR,
  EDITABLE_SELECTOR,
  FIELD,
  WATCHED,
  isClickControl,
  isNativeButton,
  isTextControl,
} from './attributes.js';
import type { EditTracker } from './editables.js';

/** What the wiring calls; implemented by Capture. */
export interface DomSink {
  /** A click, Enter or Space on a control. */
  activate(control: Element): void;
  /** A comment to send from `source` (the form or textarea); `field` holds the text. */
  comment(source: Element, field: Element | null): void;
  copy(event: ClipboardEvent, root: ParentNode): void;
  /** Operability and aria-pressed for a control; returns the attributes it added. */
  decorate(control: Element, batch: Map<string, unknown>): string[];
  readonly edits: EditTracker;
  report(error: unknown, context: string): void;
}

type Root = ParentNode & Node & EventTarget;

// The innermost element the event came from, across open shadow roots.
function origin(e: Event): Element | null {
  const first = (typeof e.composedPath === 'function' ? e.composedPath()[0] : undefined) ?? e.target;
  const node = first as Node | null;
  if (!node) return null;
  return node.nodeType === 1 ? (node as Element) : node.parentElement;
}

function controlOf(el: Element | null, root: Root): Element | null {
  const c = el?.closest(CONTROL_SELECTOR) ?? null;
  if (!c || !isClickControl(c) || !root.contains(c)) return null;
  return c.getAttribute('aria-disabled') === 'true' ? null : c;
}

function isCommentText(el: Element): boolean {
  return el.getAttribute(FIELD) === 'comment' && (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT');
}

/** Attaches to `root`; the returned function removes everything it added. */
export function wire(root: Root, sink: DomSink): () => void {
  const doc: Document = root.nodeType === 9 ? (root as unknown as Document) : (root.ownerDocument as Document);
  const win = doc.defaultView;
  const added = new WeakMap<Element, string[]>();

  const guard =
    <E extends Event>(context: string, fn: (e: E) => void) =>
    (e: E): void => {
      try {
        fn(e);
      } catch (error) {
        sink.report(error, context);
      }
    };

  const decorateTree = (el: Element, batch: Map<string, unknown>): void => {
    const list = el.matches(CONTROL_SELECTOR) ? [el] : [];
    list.push(...Array.from(el.querySelectorAll(CONTROL_SELECTOR)));
    for (const c of list) {
      const attrs = sink.decorate(c, batch);
      if (attrs.length) added.set(c, (added.get(c) ?? []).concat(attrs));
    }
  };

  const onClick = guard('capture.click', (e: MouseEvent) => {
    const control = controlOf(origin(e), root);
    if (control) sink.activate(control);
  });

  const onKeydown = guard('capture.keydown', (e: KeyboardEvent) => {
    const from = origin(e);
    if (!from) return;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && isCommentText(from) && root.contains(from)) {
      e.preventDefault();
      sink.comment(from, from);
      return;
    }
    if (e.key !== 'Enter' && e.key !== ' ' && e.key !== 'Spacebar') return;
    // Typing inside a text field or an editable answer is never a press.
    if (isTextControl(from) || (from as HTMLElement).isContentEditable) return;
    const control = controlOf(from, root);
    // Native buttons already click on Enter/Space; links on Enter.
    if (!control || isNativeButton(control) || e.repeat) return;
    if (control.tagName === 'A' && control.hasAttribute('href') && e.key === 'Enter') return;
    e.preventDefault();
    sink.activate(control);
  });

  const onSubmit = guard('capture.submit', (e: SubmitEvent) => {
    const form = origin(e)?.closest(`form[${FIELD}="comment"]`);
    if (!form || !root.contains(form)) return;
    e.preventDefault();
    const field = form.querySelector(`[${COMMENT_FIELD}], textarea[name="comment"], input[name="comment"]`);
    sink.comment(form, field);
  });

  const editableOf = (e: Event): Element | null => {
    const el = origin(e)?.closest(EDITABLE_SELECTOR) ?? null;
    return el && root.contains(el) ? el : null;
  };
  const onFocusIn = guard('capture.focusin', (e: FocusEvent) => {
    const el = editableOf(e);
    if (el) sink.edits.begin(el);
  });
  const onBeforeInput = onFocusIn as unknown as (e: Event) => void;
  const onInput = guard('capture.input', (e: Event) => {
    const el = editableOf(e);
    if (el) sink.edits.changed(el);
  });
  const onFocusOut = guard('capture.focusout', (e: FocusEvent) => {
    const el = editableOf(e);
    if (el) sink.edits.flush(el);
    const from = origin(e);
    if (from && isCommentText(from) && root.contains(from)) sink.comment(from, from);
  });
  // Closing or hiding the tab ends typing too; blur may never come.
  const onHide = guard('capture.pagehide', () => {
    if (doc.visibilityState !== 'visible') sink.edits.flushAll();
  });
  const onCopy = guard('capture.copy', (e: ClipboardEvent) => sink.copy(e, root));

  const observer = new MutationObserver((records) => {
    try {
      const batch = new Map<string, unknown>();
      for (const r of records) {
        if (r.type === 'attributes') decorateTree(r.target as Element, batch);
        for (const n of Array.from(r.addedNodes)) if (n.nodeType === 1) decorateTree(n as Element, batch);
      }
    } catch (error) {
      sink.report(error, 'capture.mutation');
    }
  });

  const on: Array<[EventTarget, string, EventListener]> = [
    [root, 'click', onClick as EventListener],
    [root, 'keydown', onKeydown as EventListener],
    [root, 'submit', onSubmit as EventListener],
    [root, 'focusin', onFocusIn as EventListener],
    [root, 'beforeinput', onBeforeInput as EventListener],
    [root, 'input', onInput as EventListener],
    [root, 'focusout', onFocusOut as EventListener],
    // A selection may start outside the root; the sink filters by root.
    [doc, 'copy', onCopy as EventListener],
    [doc, 'visibilitychange', onHide as EventListener],
  ];
  if (win) on.push([win, 'pagehide', guard('capture.pagehide', () => sink.edits.flushAll()) as EventListener]);
  for (const [t, type, fn] of on) t.addEventListener(type, fn, true);
  observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: WATCHED });
  try {
    const batch = new Map<string, unknown>();
    for (const c of Array.from(root.querySelectorAll(CONTROL_SELECTOR))) {
      const attrs = sink.decorate(c, batch);
      if (attrs.length) added.set(c, attrs);
    }
  } catch (error) {
    sink.report(error, 'capture.attach');
  }

  return () => {
    for (const [t, type, fn] of on) t.removeEventListener(type, fn, true);
    observer.disconnect();
    sink.edits.flushAll();
    for (const c of Array.from(root.querySelectorAll(CONTROL_SELECTOR))) {
      for (const a of added.get(c) ?? []) c.removeAttribute(a);
      added.delete(c);
    }
  };
}
