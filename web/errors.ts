// The library's error types. Bad input is reported as data first
// (FeedbackIssue) and thrown only from the synchronous capture calls.

/**
 * Every stable code of a FeedbackIssue (README, "Validation"): the core's
 * HoneyHive rules and caps, what the JavaScript walk finds that JSON cannot
 * carry, and the argument checks of the capture helpers.
 *
 * @example
 * ```ts
 * const { ok, errors } = validateFeedback({ 'a.b': 1 });
 * if (!ok && errors[0].code === 'key_contains_dot') console.warn(errors[0].message);
 * ```
 */
export type FeedbackIssueCode =
  // the core's rules and caps
  | 'not_an_object'
  | 'empty_key'
  | 'key_contains_dot'
  | 'key_too_long'
  | 'forbidden_key'
  | 'invalid_utf8'
  | 'null_value'
  | 'non_finite_number'
  | 'string_too_long'
  | 'wrong_type'
  | 'out_of_range'
  | 'max_object_depth'
  | 'max_array_depth'
  | 'too_large'
  | 'too_many_issues'
  | 'invalid_options'
  // what JSON cannot carry (the JavaScript walk)
  | 'not_plain_object'
  | 'unsupported_type'
  | 'lone_surrogate'
  | 'circular_reference'
  | 'sparse_array'
  | 'getter_threw'
  // ids and capture arguments
  | 'invalid_id'
  | 'invalid_argument'
  | 'invalid_target'
  | 'invalid_score'
  | 'invalid_rating'
  | 'empty_comment'
  | 'invalid_action'
  | 'reserved_field'
  | 'missing_comment_field';

/**
 * Codes of TraceFeedbackError (thrown or rejected, never from a background path).
 *
 * @example
 * ```ts
 * try {
 *   client.setSession(id);
 * } catch (e) {
 *   if (e instanceof TraceFeedbackError && e.code === 'closed') console.info('client already closed');
 * }
 * ```
 */
export type TraceFeedbackErrorCode =
  | 'invalid_options'
  | 'closed'
  | 'wasm_load_failed'
  | 'not_initialized'
  | 'browser_key_refused'
  | 'invalid_session'
  | 'invalid_root'
  | 'invalid_argument'
  | 'internal';

/**
 * One broken rule: where, which rule (a stable code), and what to do.
 *
 * @example
 * ```ts
 * for (const issue of validateFeedback({ score: Infinity }).errors) console.warn(issue.path, issue.code, issue.message);
 * ```
 */
export interface FeedbackIssue {
  /** Drill-down path of the offending field, e.g. "feedback.step1.retry". */
  path: string;
  /** Stable code, listed in the README (e.g. "max_object_depth"). */
  code: FeedbackIssueCode;
  /** A sentence naming the path and the rule. */
  message: string;
}

/**
 * An issue with the message every layer writes, C++ included:
 * "<path>: <what> (<code>)".
 * @internal
 */
export function issue(path: string, code: FeedbackIssueCode, what: string): FeedbackIssue {
  return { path, code, message: `${path}: ${what} (${code})` };
}

/**
 * Thrown by enrichSession / enrichSpan / setSession (and the synchronous
 * capture helpers) on bad input; nothing was queued. `errors` lists every
 * broken rule; `code` is always "invalid_feedback".
 *
 * @example
 * ```ts
 * try {
 *   client.enrichSpan({ eventId, feedback: { score: Infinity } }); // non_finite_number
 * } catch (e) {
 *   if (e instanceof FeedbackValidationError) console.warn(e.path, e.errors.map((i) => i.code));
 * }
 * ```
 */
export class FeedbackValidationError extends Error {
  readonly code = 'invalid_feedback';
  readonly errors: FeedbackIssue[];
  /** Path of the first issue, for a quick look. */
  readonly path: string;

  constructor(errors: FeedbackIssue[]) {
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super(first ? `${first.message}${more}` : 'invalid feedback');
    this.name = 'FeedbackValidationError';
    this.errors = errors;
    this.path = first ? first.path : 'feedback';
  }
}

/**
 * Any other failure the library reports: loading, options, internal state.
 * `code` is a {@link TraceFeedbackErrorCode}.
 *
 * @example
 * ```ts
 * const client = await init({ endpoint: '/feedback' }).catch((e: unknown) => {
 *   if (e instanceof TraceFeedbackError && e.code === 'wasm_load_failed') return undefined; // run without feedback
 *   throw e;
 * });
 * ```
 */
export class TraceFeedbackError extends Error {
  readonly code: TraceFeedbackErrorCode;
  constructor(code: TraceFeedbackErrorCode, message: string) {
    super(message);
    this.name = 'TraceFeedbackError';
    this.code = code;
  }
}
