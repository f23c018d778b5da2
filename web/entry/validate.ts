// validateFeedback for the lean default entry: the real one needs the wasm
// core, which the entry must not import statically (it would put the core
// into the first chunk). The lazily loaded part registers itself here.
import { TraceFeedbackError } from '../errors.js';
import type { FeedbackLimits, ValidationResult } from '../validate/index.js';

type Validator = (value: unknown, limits?: FeedbackLimits) => ValidationResult;
let validator: Validator | undefined;

/** @internal Called by entry/start.ts when the core-bearing part has loaded. */
export function registerValidator(fn: Validator): void {
  validator = fn;
}

/**
 * Every rule `value` breaks, as `{ ok, errors: [{ path, code, message }] }`;
 * never throws for bad feedback. In browsers the core must have loaded
 * first (`await init()`, `await createFeedback().ready` or `await loadCore()`),
 * else it throws `TraceFeedbackError` with code `not_initialized`; in Node it
 * works at once.
 *
 * @example
 * ```ts
 * await loadCore();
 * const { ok, errors } = validateFeedback({ rating: true, step1: { retry: true } });
 * if (!ok) console.log(errors[0].path, errors[0].code); // e.g. "feedback.a" "null_value"
 * ```
 */
export function validateFeedback(value: unknown, limits?: FeedbackLimits): ValidationResult {
  if (!validator) {
    throw new TraceFeedbackError(
      'not_initialized',
      'trace-feedback is not loaded yet: `await init()` (or `await loadCore()`) before validating',
    );
  }
  return validator(value, limits);
}
