// Accessibility of declarative controls: keyboard reachability for controls
// that are not native buttons, and aria-pressed mirroring the captured state,
// so screen readers announce a thumb as pressed and a reload (state kept in
// storage) shows the same thumbs as before.
import { FIELD, VALUE, coerceValue, isClickControl, isNativeButton, parseThumb } from './attributes.js';
import type { TargetState } from './state.js';

/**
 * role/tabindex for non-native controls; never overrides what the app set.
 * Returns the attributes it added, so detach() can take back only those.
 */
export function makeOperable(el: Element): string[] {
  if (!isClickControl(el) || isNativeButton(el)) return [];
  if (el.tagName === 'A' && el.hasAttribute('href')) return [];
  const added: string[] = [];
  if (!el.hasAttribute('role')) {
    el.setAttribute('role', 'button');
    added.push('role');
  }
  if (!el.hasAttribute('tabindex')) {
    el.setAttribute('tabindex', '0');
    added.push('tabindex');
  }
  return added;
}

/** Whether a value control shows as pressed for `state`; undefined for non-toggles. */
export function pressedFor(el: Element, state: TargetState): boolean | undefined {
  const field = el.getAttribute(FIELD);
  if (field === null || field === 'comment' || !isClickControl(el)) return undefined;
  const raw = el.getAttribute(VALUE);
  if (field === 'rating') {
    const up = parseThumb(raw);
    if (up === undefined) return undefined;
    return state.rating === (up ? 'up' : 'down');
  }
  if (field === 'score') {
    const n = Number(raw);
    return state.score !== undefined && Number.isFinite(n) && n <= state.score;
  }
  return field in state.fields && state.fields[field] === coerceValue(raw);
}

export function reflect(el: Element, state: TargetState): void {
  const pressed = pressedFor(el, state);
  if (pressed === undefined) return;
  const text = pressed ? 'true' : 'false';
  // Unchanged writes would wake MutationObservers (ours and the app's).
  if (el.getAttribute('aria-pressed') !== text) el.setAttribute('aria-pressed', text);
}
