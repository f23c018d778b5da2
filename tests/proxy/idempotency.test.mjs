// The proxy's in-memory idempotency store and update validation, as units.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryIdempotencyStore, idempotencyKey, checkUpdate, isRetryableStatus } from '../../dist/server/index.js';

test('MemoryIdempotencyStore forgets entries after the TTL', () => {
  let now = 1000;
  const store = new MemoryIdempotencyStore({ ttlMs: 100, now: () => now });
  store.set('k', { id: 'u', status: 200 });
  now = 1099;
  assert.deepEqual(store.get('k'), { id: 'u', status: 200 });
  now = 1100;
  assert.equal(store.get('k'), undefined);
  assert.equal(store.size, 0);
});

test('MemoryIdempotencyStore evicts the least recently used past maxEntries', () => {
  const store = new MemoryIdempotencyStore({ maxEntries: 2 });
  store.set('a', { id: 'a', status: 200 });
  store.set('b', { id: 'b', status: 200 });
  store.get('a');
  store.set('c', { id: 'c', status: 200 });
  assert.equal(store.size, 2);
  assert.equal(store.get('b'), undefined, 'b was least recently used');
  assert.ok(store.get('a'));
  assert.ok(store.get('c'));
});

test('keys are scoped by event (case-insensitively) and id', () => {
  const e = '7F22137A-6911-4ED3-BC36-110F1DDE6B66';
  assert.equal(idempotencyKey(e, 'u1'), idempotencyKey(e.toLowerCase(), 'u1'));
  assert.notEqual(idempotencyKey(e, 'u1'), idempotencyKey('00000000-0000-4000-8000-000000000000', 'u1'));
});

test('checkUpdate accepts the documented shape only', () => {
  const event_id = '7f22137a-6911-4ed3-bc36-110f1dde6b66';
  assert.ok(checkUpdate({ id: 'u', event_id, feedback: {} }).ok);
  assert.ok(checkUpdate({ id: 'x'.repeat(128), event_id, feedback: { a: [1] } }).ok);
  for (const bad of [null, [], { id: 'u', event_id, feedback: null }, { id: 1, event_id, feedback: {} },
    { id: 'u', event_id: `${event_id}/x`, feedback: {} }, { id: 'x'.repeat(129), event_id, feedback: {} }]) {
    const r = checkUpdate(bad);
    assert.equal(r.ok, false, JSON.stringify(bad));
    if (!r.ok) assert.equal(r.result.status, 400);
  }
});

test('retryable statuses', () => {
  assert.deepEqual([200, 400, 404, 408, 409, 425, 429, 500, 502, 503, 504].filter(isRetryableStatus), [408, 425, 429, 500, 502, 503, 504]);
});
