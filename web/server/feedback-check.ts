// The proxy's feedback check: validateFeedback, the page's own rules (the
// JavaScript walk, then the C++ core), memoised by the feedback's JSON text.
// Thumbs and stock answers repeat endlessly at a busy proxy, and the verdict
// depends only on the text and the limits, so a repeat skips the wasm call.
// The feedback came from JSON.parse, so its JSON.stringify is faithful.
import { validateFeedback, type FeedbackLimits } from '../validate/index.js';

export interface FeedbackVerdict {
  ok: boolean;
  errors: Array<{ path: string; code: string }>;
}

const MAX_ENTRIES = 10_000;
const MAX_KEY_CHARS = 2048;

export function createFeedbackCheck(limits: FeedbackLimits | undefined): (feedback: unknown) => FeedbackVerdict {
  const memo = new Map<string, FeedbackVerdict>();
  return (feedback) => {
    let key: string | undefined;
    try {
      key = JSON.stringify(feedback);
    } catch {
      key = undefined; // too deep to print: the walk reports it below
    }
    const cacheable = key !== undefined && key.length <= MAX_KEY_CHARS;
    if (cacheable) {
      const seen = memo.get(key!);
      if (seen) return seen;
    }
    const checked = validateFeedback(feedback, limits);
    const verdict: FeedbackVerdict = { ok: checked.ok, errors: checked.errors.slice(0, 20).map((e) => ({ path: e.path, code: e.code })) };
    if (cacheable) {
      if (memo.size >= MAX_ENTRIES) memo.clear(); // crude but bounded: a flood of unique texts cannot grow it
      memo.set(key!, verdict);
    }
    return verdict;
  };
}
