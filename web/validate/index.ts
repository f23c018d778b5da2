// validateFeedback: the JavaScript walk (plain.ts) for what JSON cannot
// carry, then the C++ core for every HoneyHive rule and cap.
import type { FeedbackIssue } from '../errors.js';
import { coreSync } from '../core/loader.js';
import { validate } from '../core/boundary.js';
import { toPlainJson, type PlainJson, type WalkLimits } from './plain.js';

/**
 * Caps and ranges; every field is optional (defaults in the README). The
 * depth caps can only be tightened below HoneyHive's own.
 *
 * @example
 * ```ts
 * const client = await init({ endpoint: '/feedback', limits: { scoreMin: 1, scoreMax: 5, maxStringBytes: 2000 } });
 * ```
 */
export interface FeedbackLimits {
  /** Nested objects below the top-level object (HoneyHive: at most 5). */
  maxObjectDepth?: number;
  /** Nested arrays on any path (HoneyHive: at most 2). */
  maxArrayDepth?: number;
  /** Bytes (UTF-8) per key; default 128. */
  maxKeyBytes?: number;
  /** Bytes (UTF-8) per string value; default 16384. */
  maxStringBytes?: number;
  /** Bytes of the serialized feedback object; default 61440 (fits a keepalive request). */
  maxTotalBytes?: number;
  /** Issues listed before the walk stops with `too_many_issues`; default 50. */
  maxIssues?: number;
  /** Range of the well-known `score` field, e.g. 1..5 stars. */
  scoreMin?: number;
  scoreMax?: number;
}

/**
 * What validateFeedback returns: `ok` and every broken rule.
 *
 * @example
 * ```ts
 * const result: ValidationResult = validateFeedback({ rating: true });
 * if (!result.ok) console.warn(result.errors.map((e) => e.message).join('\n'));
 * ```
 */
export interface ValidationResult {
  /** True when there are no errors. */
  ok: boolean;
  /** Every violation found, each with its path and stable code; empty when ok. */
  errors: FeedbackIssue[];
}

/** What the client keeps per configuration: both halves' limits. */
export interface CompiledLimits {
  walk: WalkLimits;
  json: string;
}

export function compileLimits(limits: FeedbackLimits | undefined): CompiledLimits {
  const l = limits ?? {};
  const depth = (v: unknown, dflt: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? Math.min(v, dflt) : dflt);
  const count = (v: unknown, dflt: number) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : dflt);
  const total = count(l.maxTotalBytes, 61440);
  return {
    walk: {
      maxObjectDepth: depth(l.maxObjectDepth, 5),
      maxArrayDepth: depth(l.maxArrayDepth, 2),
      // Each JSON value takes at least one byte plus a separator.
      maxNodes: Math.max(16, Math.ceil(total / 2)),
      maxIssues: count(l.maxIssues, 50),
      maxStringBytes: count(l.maxStringBytes, 16384),
      maxKeyBytes: count(l.maxKeyBytes, 128),
      maxTotalBytes: total,
    },
    // The core reports bad options itself (code "invalid_options").
    json: limits === undefined ? 'null' : JSON.stringify(limits),
  };
}

const DEFAULT_LIMITS = compileLimits(undefined);

/** Result of a full check, with the text the core accepted. */
export interface Checked extends ValidationResult {
  text: string;
}

/** Both halves of validation; `text` is the JSON that was checked. */
export function checkFeedback(value: unknown, limits: CompiledLimits = DEFAULT_LIMITS): Checked {
  return checkPlain(toPlainJson(value, limits.walk), limits);
}

/** The core's half, on a walk already done (the client's error path reuses it). */
export function checkPlain(plain: PlainJson, limits: CompiledLimits = DEFAULT_LIMITS): Checked {
  if (!plain.complete) return { ok: false, errors: plain.issues, text: '' };
  const core = validate(coreSync(), plain.text, limits.json);
  const found = core.ok ? [] : core.errors;
  const errors = plain.issues.length ? plain.issues.concat(found) : found;
  return { ok: errors.length === 0, errors, text: plain.text };
}

/**
 * Checks a feedback object against HoneyHive's rules and the library's caps.
 * Never throws for bad feedback: every violation comes back in `errors`,
 * each with its drill-down path and a stable code.
 *
 * @example
 * ```ts
 * const { ok, errors } = validateFeedback({ score: 7 }, { scoreMin: 1, scoreMax: 5 });
 * // ok === false, errors[0].code === 'out_of_range', errors[0].path === 'feedback.score'
 * ```
 */
export function validateFeedback(value: unknown, limits?: FeedbackLimits): ValidationResult {
  const { ok, errors } = checkFeedback(value, limits ? compileLimits(limits) : DEFAULT_LIMITS);
  return { ok, errors };
}
