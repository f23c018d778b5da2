// The proxy's feedback check: the page's own rules (the JavaScript walk, then
// the C++ core through validate/), memoised by the checked text. Thumbs and
// stock answers repeat endlessly at a busy proxy, and the core's answer
// depends only on the text and the limits, so a repeat skips the wasm call.
import { checkPlain, compileLimits, type FeedbackLimits } from '../validate/index.js';
import { toPlainJson } from '../validate/plain.js';

export interface FeedbackVerdict {
  ok: boolean;
  errors: Array<{ path: string; code: string }>;
}

const MAX_ENTRIES = 10_000;
const MAX_KEY_CHARS = 2048;

export function createFeedbackCheck(limits: FeedbackLimits | undefined): (feedback: unknown) => FeedbackVerdict {
  const compiled = compileLimits(limits);
  const memo = new Map<string, FeedbackVerdict>();
  return (feedback) => {
    const plain = toPlainJson(feedback, compiled.walk);
    const cacheable = plain.complete && plain.issues.length === 0 && plain.text.length <= MAX_KEY_CHARS;
    if (cacheable) {
      const seen = memo.get(plain.text);
      if (seen) return seen;
    }
    const checked = checkPlain(plain, compiled);
    const verdict: FeedbackVerdict = { ok: checked.ok, errors: checked.errors.slice(0, 20).map((e) => ({ path: e.path, code: e.code })) };
    if (cacheable) {
      if (memo.size >= MAX_ENTRIES) memo.clear(); // crude but bounded: a flood of unique texts cannot grow it
      memo.set(plain.text, verdict);
    }
    return verdict;
  };
}
