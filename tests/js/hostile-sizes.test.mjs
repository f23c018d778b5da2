// Issue 11.6: hostile sizes must cost little. Each value is refused with
// the right code, and fast: lengths are checked before anything is copied,
// and the walk stops at the first issue past the cap. Times are printed; the
// bound asserted (500 ms) is generous so a busy machine cannot flake it,
// yet fails on the seconds (and gigabytes) these took before.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { init, validateFeedback, FeedbackValidationError } from '../../dist/index.js';

const BOUND_MS = 500;

function hugeArray() {
  const a = [];
  a.length = 2 ** 32 - 1;
  return a;
}

const cases = [
  ['{a: new Array(1e5)}', () => ({ a: new Array(1e5) }), 'too_large'],
  ['array of length 2**32-1', () => ({ a: hugeArray() }), 'too_large'],
  ['Proxy with length 1e6', () => ({ a: new Proxy([], { get: (t, k) => (k === 'length' ? 1e6 : k in t ? t[k] : 1) , has: () => true }) }), 'too_large'],
  ['100 MB string', () => ({ comment: 'x'.repeat(100 * 1024 * 1024) }), 'string_too_long'],
  ['100 MB key', () => ({ ['k'.repeat(100 * 1024 * 1024)]: 1 }), 'key_too_long'],
  ['1,000 holes (under the value cap)', () => ({ a: new Array(1000) }), 'sparse_array'],
  ['40 strings of 15 KB (over the total)', () => Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'y'.repeat(15000)])), 'too_large'],
];

test('hostile sizes are refused with the right code, fast, and nothing is queued', async (t) => {
  const client = await init({ namespace: randomUUID(), transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 503 })), delivery: { flushIntervalMs: 3600000 }, onError: () => {} });
  t.after(() => client.close());
  const eventId = randomUUID();
  for (const [name, make, code] of cases) {
    const value = make(); // building the value is not what is timed
    let started = performance.now();
    const r = validateFeedback(value);
    const validateMs = performance.now() - started;
    started = performance.now();
    let thrown;
    try {
      client.enrichSpan({ eventId, feedback: value });
    } catch (e) {
      thrown = e;
    }
    const enrichMs = performance.now() - started;
    console.log(`  ${name.padEnd(38)} ${code.padEnd(16)} validate ${validateMs.toFixed(2)} ms, enrichSpan ${enrichMs.toFixed(2)} ms, ${r.errors.length} issues`);
    assert.equal(r.ok, false, name);
    assert.ok(r.errors.some((e) => e.code === code), `${name}: ${r.errors.map((e) => e.code).join(',')}`);
    assert.ok(r.errors.length <= 51, `${name}: at most the cap plus too_many_issues (${r.errors.length})`);
    assert.ok(thrown instanceof FeedbackValidationError, name);
    assert.ok(thrown.errors.some((e) => e.code === code), name);
    assert.ok(validateMs < BOUND_MS && enrichMs < BOUND_MS, `${name}: ${validateMs} / ${enrichMs} ms`);
  }
  assert.deepEqual(client.pending(), []);
});

test('the issue cap stops the walk: 50 issues then too_many_issues, the core\'s wording', () => {
  const r = validateFeedback({ a: new Array(1000) });
  assert.equal(r.errors.length, 51);
  assert.equal(r.errors.filter((e) => e.code === 'sparse_array').length, 50);
  assert.equal(r.errors.at(-1).code, 'too_many_issues');
  assert.equal(r.errors.at(-1).path, 'feedback');
  // The core's own cap reads the same.
  const core = validateFeedback(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, null])));
  assert.equal(core.errors.at(-1).code, 'too_many_issues');
});

test('a long string beside other issues: both reported, the rest still checked by the core', () => {
  const r = validateFeedback({ comment: 'x'.repeat(20000), score: 'high' });
  const codes = r.errors.map((e) => `${e.path}:${e.code}`).sort();
  assert.deepEqual(codes, ['feedback.comment:string_too_long', 'feedback.score:wrong_type']);
});
