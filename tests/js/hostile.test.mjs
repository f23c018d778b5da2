// Hostile input from JavaScript through the public capture calls: each gets
// a clear error naming its path, nothing is queued, nothing already queued
// changes, and no prototype is polluted anywhere.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { init, FeedbackValidationError } from '../../dist/index.js';

const idle = { flushIntervalMs: 3600000, flushAtUpdates: 10000, flushAtBytes: 4000000 };

function deepObject(n) {
  let v = 1;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}
function deepArray(n) {
  let v = 1;
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

const cases = [
  ['__proto__ key (JSON.parse)', () => JSON.parse('{"__proto__": {"polluted": 1}}'), 'feedback.__proto__', 'forbidden_key'],
  ['nested __proto__', () => ({ actions: JSON.parse('{"__proto__": {"polluted": 1}}') }), 'feedback.actions.__proto__', 'forbidden_key'],
  ['constructor key', () => ({ constructor: { prototype: { polluted: 1 } } }), 'feedback.constructor', 'forbidden_key'],
  ['prototype key', () => ({ x: { prototype: 1 } }), 'feedback.x.prototype', 'forbidden_key'],
  ['100,000-deep objects', () => deepObject(100000), 'feedback.a.a.a.a.a.a', 'max_object_depth'],
  ['100,000-deep arrays', () => ({ x: deepArray(100000) }), 'feedback.x.0.0', 'max_array_depth'],
  ['a megabyte string', () => ({ comment: 'x'.repeat(1 << 20) }), 'feedback.comment', 'string_too_long'],
  ['lone surrogate value', () => ({ comment: 'ok \uDC00 not ok' }), 'feedback.comment', 'lone_surrogate'],
  ['lone surrogate key', () => ({ ['k\uD83D']: 1 }), 'feedback.k\uD83D', 'lone_surrogate'],
  ['Proxy with a throwing get', () => ({ p: new Proxy({ a: 1 }, { get() { throw new Error('boom'); } }) }), 'feedback.p.a', 'getter_threw'],
  ['Proxy with a throwing ownKeys', () => ({ p: new Proxy({}, { ownKeys() { throw new Error('boom'); } }) }), 'feedback.p', 'getter_threw'],
  ['top-level Proxy that throws', () => new Proxy({}, { ownKeys() { throw new Error('boom'); } }), 'feedback', 'getter_threw'],
  ['a throwing getter', () => Object.defineProperty({}, 'g', { enumerable: true, get() { throw new Error('x'); } }), 'feedback.g', 'getter_threw'],
  ['toJSON function', () => ({ toJSON() { return { rating: true }; } }), 'feedback.toJSON', 'unsupported_type'],
  ['a 10,000-key object', () => Object.fromEntries(Array.from({ length: 10000 }, (_, i) => [`k${i}`, 'vvvvvvvv'])), 'feedback', 'too_large'],
];

test('hostile feedback is refused with its path; the queue is untouched; nothing is polluted', async (t) => {
  const client = await init({ namespace: randomUUID(), transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 503 })), delivery: idle });
  t.after(() => client.close());
  const eventId = randomUUID();
  client.enrichSpan({ eventId, feedback: { rating: true, actions: { copy_count: 1 } } });
  const before = JSON.stringify(client.pending());
  for (const [name, make, path, code] of cases) {
    const started = performance.now();
    let thrown;
    try {
      client.enrichSpan({ eventId, feedback: make() });
    } catch (e) {
      thrown = e;
    }
    const ms = performance.now() - started;
    assert.ok(thrown instanceof FeedbackValidationError, `${name}: expected FeedbackValidationError, got ${thrown}`);
    assert.ok(
      thrown.errors.some((e) => e.path === path && e.code === code),
      `${name}: expected ${path} ${code}, got ${JSON.stringify(thrown.errors.slice(0, 3))}`,
    );
    assert.ok(ms < 2000, `${name}: took ${ms.toFixed(0)} ms`);
    assert.equal(JSON.stringify(client.pending()), before, `${name}: queue changed`);
  }
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
  assert.equal(client.stats().dropped, 0);
});

test('frozen and sealed objects are ordinary valid input', async (t) => {
  const client = await init({ namespace: randomUUID(), transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 503 })), delivery: idle });
  t.after(() => client.close());
  const eventId = randomUUID();
  const frozen = Object.freeze({ rating: true, actions: Object.freeze({ copied: true }) });
  const r = client.enrichSpan({ eventId, feedback: frozen });
  client.enrichSpan({ eventId, feedback: Object.seal({ comment: 'sealed' }) });
  assert.equal(r.eventId, eventId);
  assert.deepEqual(client.pending()[0].feedback, { rating: true, comment: 'sealed', actions: { copied: true } });
  assert.ok(Object.isFrozen(frozen), 'input not modified');
});

test('a getter is read once: what is checked is what is queued', async (t) => {
  const client = await init({ namespace: randomUUID(), transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 503 })), delivery: idle });
  t.after(() => client.close());
  let reads = 0;
  const sneaky = Object.defineProperty({}, 'comment', {
    enumerable: true,
    get() {
      reads += 1;
      return reads === 1 ? 'first' : { nested: NaN };
    },
  });
  client.enrichSpan({ eventId: randomUUID(), feedback: sneaky });
  assert.equal(reads, 1);
  assert.deepEqual(client.pending()[0].feedback, { comment: 'first' });
});
