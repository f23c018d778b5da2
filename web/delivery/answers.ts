// The shape every transport's answer must have before the engine sees it:
// exactly one result per update of the request, each naming one of its
// updates once, with an HTTP status (100..599) or 0 for "no answer". Any
// other answer is a failed request for all of its updates (retried by the
// normal policy, then dead-lettered with this cause); before, the engine
// refused it, the client ignored the refusal, and the updates stayed in
// flight forever, blocking every later update to their events.
import type { WireResult } from '../transport/types.js';

export type CheckedAnswer = { ok: true; results: WireResult[] } | { ok: false; why: string };

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  if (typeof v === 'number') return `the number ${String(v)}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

function validStatus(s: unknown): s is number {
  return typeof s === 'number' && Number.isInteger(s) && (s === 0 || (s >= 100 && s <= 599));
}

/** Checks and copies a transport's answer to a request of updates `updateIds` (never throws, whatever it is). */
export function checkAnswer(updateIds: readonly string[], answer: unknown): CheckedAnswer {
  try {
    if (!Array.isArray(answer)) return { ok: false, why: `expected an array of results, got ${describe(answer)}` };
    const want = updateIds.length;
    if (answer.length !== want) {
      return { ok: false, why: `expected ${want} result${want === 1 ? '' : 's'} (one per update), got ${answer.length}` };
    }
    const ids = new Set(updateIds);
    const seen = new Set<string>();
    const out: WireResult[] = [];
    for (let i = 0; i < answer.length; i++) {
      const r = answer[i] as Record<string, unknown> | null;
      const at = `results[${i}]`;
      if (typeof r !== 'object' || r === null || Array.isArray(r)) return { ok: false, why: `${at}: expected an object, got ${describe(r)}` };
      const { id, status, retryAfter, code, error } = r;
      if (typeof id !== 'string' || !ids.has(id)) return { ok: false, why: `${at}.id: not an update of this request` };
      if (seen.has(id)) return { ok: false, why: `${at}.id: answered twice` };
      seen.add(id);
      if (!validStatus(status)) return { ok: false, why: `${at}.status: expected an integer 100..599 or 0, got ${describe(status)}` };
      // Seconds as a number is what the proxy's JSON carries; the engine reads both.
      const seconds = typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0 && retryAfter <= 1e9;
      if (retryAfter !== undefined && retryAfter !== null && typeof retryAfter !== 'string' && !seconds) {
        return { ok: false, why: `${at}.retryAfter: expected a string or a number of seconds, got ${describe(retryAfter)}` };
      }
      if (code !== undefined && code !== null && typeof code !== 'string') {
        return { ok: false, why: `${at}.code: expected a string, got ${describe(code)}` };
      }
      out.push({
        id,
        status,
        ...(typeof retryAfter === 'string' ? { retryAfter: retryAfter.slice(0, 64) } : {}),
        ...(seconds ? { retryAfter: String(Math.ceil(retryAfter as number)) } : {}),
        ...(typeof code === 'string' ? { code: code.slice(0, 64) } : {}),
        ...(typeof error === 'string' ? { error: error.slice(0, 300) } : {}),
      });
    }
    return { ok: true, results: out };
  } catch (e) {
    // A Proxy or getter in a custom transport's answer.
    return { ok: false, why: `reading the answer threw (${e instanceof Error ? e.message : String(e)})` };
  }
}
