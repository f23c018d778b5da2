// The library's error types. Bad input is reported as data first
// (FeedbackIssue) and thrown only from the synchronous capture calls.

/** One broken rule: where, which rule (a stable code), and what to do. */
export interface FeedbackIssue {
  /** Drill-down path of the offending field, e.g. "feedback.step1.retry". */
  path: string;
  /** Stable code, listed in the README (e.g. "max_object_depth"). */
  code: string;
  /** A sentence naming the path and the rule. */
  message: string;
}

/** Thrown by enrichSession / enrichSpan / setSession on bad input; nothing was queued. */
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

/** Any other failure the library reports: loading, options, internal state. */
export class TraceFeedbackError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'TraceFeedbackError';
    this.code = code;
  }
}
