// The feedback objects each signal produces. Pure functions: the shapes are
// the contract with whoever reads the trace, so they live in one place.
// Every update is self-describing under merge-only storage: flags are sent
// with their absolute counts, and a withdrawn thumb is a flag, not a delete.
import { invalid } from './targets.js';

export type Feedback = Record<string, unknown>;

export interface DiffResult {
  edits: Array<Record<string, unknown>>;
  edit_stats: Record<string, number | boolean>;
}

/** Flag and counter keys under `actions` for the built-in actions. */
const BUILT_IN: Record<string, { flag: string; count: string }> = {
  copy: { flag: 'copied', count: 'copy_count' },
  regenerate: { flag: 'regenerated', count: 'regenerate_count' },
  edit: { flag: 'edited', count: 'edit_count' },
};

// Keys the built-ins write; a custom action with one of these names would
// overwrite them.
const RESERVED = new Set(['copied', 'copy_count', 'copied_fraction', 'copied_text', 'regenerated', 'regenerate_count', 'edited', 'edit_count']);
const ACTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks an action name; throws FeedbackValidationError (code "invalid_action"). */
export function checkActionName(name: unknown): string {
  if (typeof name !== 'string' || !ACTION_NAME.test(name)) {
    throw invalid('action', 'invalid_action', 'must be 1-64 letters, digits, "_" or "-", e.g. "copy", "regenerate", "share"');
  }
  if (!(name in BUILT_IN) && (RESERVED.has(name) || name.endsWith('_count'))) {
    throw invalid('action', 'invalid_action', `"${name}" would overwrite a built-in actions field`);
  }
  return name;
}

export function actionKeys(name: string): { flag: string; count: string } {
  return BUILT_IN[name] ?? { flag: name, count: `${name}_count` };
}

export function ratingFeedback(up: boolean): Feedback {
  return { rating: up, rating_withdrawn: false };
}

export function withdrawnFeedback(): Feedback {
  return { rating_withdrawn: true };
}

export function actionFeedback(name: string, count: number, extra: Record<string, unknown> = {}): Feedback {
  const k = actionKeys(name);
  return { actions: { [k.flag]: true, [k.count]: count, ...extra } };
}

/** Rounded so repeated copies of the same text send the same number. */
export function fraction(copied: number, total: number): number {
  if (total <= 0) return copied > 0 ? 1 : 0;
  return Math.round(Math.min(1, copied / total) * 1000) / 1000;
}

// 4,000 UTF-16 units stay under the 16 KiB string cap in UTF-8.
const MAX_TEXT = 4000;

/** Cuts to MAX_TEXT without splitting a surrogate pair. */
export function clip(text: string): string {
  if (text.length <= MAX_TEXT) return text;
  let end = MAX_TEXT;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/**
 * Copy feedback. The copied text goes in `copy: { text }` beside `actions`,
 * not in `actions`: the core's rule holds `actions` to booleans and counts,
 * and a string there made every copy fail validation (nothing was sent).
 */
export function copyFeedback(count: number, copiedFraction: number, text: string | undefined): Feedback {
  const out = actionFeedback('copy', count, { copied_fraction: copiedFraction });
  if (text !== undefined) out.copy = { text: clip(text) };
  return out;
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Edit feedback from the host's diff. Only scalar leaves are kept (null is
 * not an allowed value), and without `includeText` the removed and inserted
 * texts become their lengths, matching the core's own text-free shape.
 */
export function editFeedback(count: number, diff: DiffResult, includeText: boolean): Feedback {
  const edits: Array<Record<string, unknown>> = [];
  for (const raw of Array.isArray(diff?.edits) ? diff.edits : []) {
    if (typeof raw !== 'object' || raw === null) continue;
    const seg: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) seg[k] = v;
    }
    if (!includeText) {
      for (const k of ['from', 'value'] as const) {
        if (typeof seg[k] === 'string') {
          if (seg[`${k}_len`] === undefined) seg[`${k}_len`] = codePoints(seg[k] as string);
          delete seg[k];
        }
      }
    }
    edits.push(seg);
  }
  const stats: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(diff?.edit_stats ?? {})) {
    if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) stats[k] = v;
  }
  return { ...actionFeedback('edit', count), edits, edit_stats: stats };
}
