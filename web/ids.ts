// Ids come from the backend trace and go into URLs: only canonical UUIDs pass.
import type { FeedbackIssue } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for a canonical UUID string (8-4-4-4-12 hex digits, either case):
 * the only ids the client accepts for events and sessions.
 *
 * @example
 * ```ts
 * if (isUuid(eventId)) client.enrichSpan({ eventId, feedback: { rating: true } });
 * ```
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** An issue for `path` when `value` is not a UUID, else undefined. */
export function checkId(path: string, value: unknown): FeedbackIssue | undefined {
  if (isUuid(value)) return undefined;
  const shown =
    typeof value === 'string' ? JSON.stringify(value.length > 60 ? value.slice(0, 60) + '...' : value) : typeof value;
  return {
    path,
    code: 'invalid_id',
    message: `${path}: must be a UUID like "123e4567-e89b-12d3-a456-426614174000", got ${shown} (invalid_id)`,
  };
}
