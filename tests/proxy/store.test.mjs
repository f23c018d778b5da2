// The embedded ProxyStore (createMemoryStore) as a unit: atomic claim,
// per-owner quotas, per-event order, fixed-window counters, event sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStore, checkUpdate, updateOrder } from '../../dist/server/index.js';

test('claim: fresh, then in_progress while leased, duplicate once completed; release frees it', async () => {
  let now = 1000;
  const s = createMemoryStore({ now: () => now, recordTtlMs: 500 });
  assert.equal(await s.claim('k', 100), 'fresh');
  assert.equal(await s.claim('k', 100), 'in_progress');
  now += 101;
  assert.equal(await s.claim('k', 100), 'fresh', 'an expired lease (crashed instance) can be claimed again');
  await s.release('k');
  assert.equal(await s.claim('k', 100), 'fresh');
  await s.complete('k', { status: 200 });
  assert.equal(await s.claim('k', 100), 'duplicate');
  await s.release('k');
  assert.equal(await s.claim('k', 100), 'duplicate', 'release does not undo a completed record');
  now += 500;
  assert.equal(await s.claim('k', 100), 'fresh', 'records expire after recordTtlMs');
});

test("one owner flooding junk ids evicts only its own records, never another owner's", async () => {
  const s = createMemoryStore({ maxRecordsPerOwner: 50 });
  assert.equal(await s.claim('victim-key', 1000, 'sid:victim'), 'fresh');
  await s.complete('victim-key', { status: 200 }, 'sid:victim');
  for (let i = 0; i < 100 * 100; i++) {
    await s.claim(`junk-${i}`, 1000, 'addr:attacker');
    await s.complete(`junk-${i}`, { status: 200 }, 'addr:attacker');
  }
  assert.equal(await s.claim('victim-key', 1000, 'sid:victim'), 'duplicate', "the victim's retry is still a duplicate");
  assert.equal(await s.claim('junk-0', 1000, 'addr:attacker'), 'fresh', "the attacker's oldest went");
});

test('records are capped in all (maxRecords): a flood from many owners keeps the most recent, not maxOwners x maxRecordsPerOwner', async () => {
  const s = createMemoryStore({ maxRecords: 100, maxRecordsPerOwner: 50, maxOwners: 10_000 });
  const keys = [];
  for (let o = 0; o < 1000; o++) {
    for (let i = 0; i < 10; i++) {
      const key = `o${o}-k${i}`;
      keys.push(key);
      assert.equal(await s.claim(key, 1000, `addr:${o}`), 'fresh');
      await s.complete(key, { status: 200 }, `addr:${o}`);
    }
  }
  // Newest first: a kept record answers 'duplicate' without inserting, so the run of duplicates is what was kept.
  let kept = 0;
  for (const key of keys.reverse()) {
    if ((await s.claim(key, 1000, 'addr:check')) !== 'duplicate') break;
    kept += 1;
  }
  assert.equal(kept, 100, 'exactly maxRecords kept, the most recent ones');
});

test('a retry from another owner (the client changed address) still finds the record', async () => {
  const s = createMemoryStore({ maxRecordsPerOwner: 3 });
  assert.equal(await s.claim('k', 1000, 'addr:a'), 'fresh');
  await s.complete('k', { status: 200 }, 'addr:a');
  assert.equal(await s.claim('k', 1000, 'addr:b'), 'duplicate');
  // Eviction stays with the owner that holds it.
  for (let i = 0; i < 3; i++) await s.complete(`b${i}`, { status: 200 }, 'addr:b');
  assert.equal(await s.claim('k', 1000, 'addr:b'), 'duplicate', "b's flood did not evict a's record");
  for (let i = 0; i < 3; i++) await s.complete(`a${i}`, { status: 200 }, 'addr:a');
  assert.equal(await s.claim('k', 1000, 'addr:b'), 'fresh', "a's own newer records pushed it out");
});

test('advance: the streams kept per event are capped (least recently seen first), so made-up id prefixes cannot grow one event without bound', async () => {
  const s = createMemoryStore({ maxStreamsPerEvent: 3 });
  assert.equal(await s.advance('e1', 'live', '5'), true);
  for (let i = 0; i < 5000; i++) {
    assert.equal(await s.advance('e1', `junk${i}`, '1'), true);
    if (i % 2 === 0) assert.equal(await s.advance('e1', 'live', '5'), true, 'an active stream stays recent'); // a retry
  }
  assert.equal(await s.advance('e1', 'live', '4'), false, 'the active stream kept its order');
  // The memory such a flood can hold is the cap: the oldest junk streams were forgotten.
  assert.equal(await s.advance('e1', 'junk0', '0'), true, 'a forgotten stream starts afresh');
});

test('advance: per event and stream, a smaller sequence is stale; equal (a retry) passes', async () => {
  const s = createMemoryStore();
  assert.equal(await s.advance('e1', 'tfA', '5'), true);
  assert.equal(await s.advance('e1', 'tfA', '5'), true);
  assert.equal(await s.advance('e1', 'tfA', '4'), false);
  assert.equal(await s.advance('e1', 'tfA', '10'), true, 'decimal order, not string order');
  assert.equal(await s.advance('e1', 'tfA', '9'), false);
  assert.equal(await s.advance('e1', 'tfB', '1'), true, 'another client has its own order');
  assert.equal(await s.advance('e2', 'tfA', '1'), true, 'another event too');
});

test('hit: a fixed window of windowMs, cost counted, wait until the window ends', async () => {
  let now = 60_000;
  const s = createMemoryStore({ now: () => now });
  assert.equal(await s.hit('c', 3, 5, 60_000), 0);
  assert.equal(await s.hit('c', 2, 5, 60_000), 0);
  now += 10_000;
  assert.equal(await s.hit('c', 1, 5, 60_000), 50_000);
  now += 50_000;
  assert.equal(await s.hit('c', 5, 5, 60_000), 0);
});

test('event sessions expire', async () => {
  let now = 0;
  const s = createMemoryStore({ now: () => now });
  await s.rememberEventSession('e', 's', 10);
  assert.equal(await s.eventSession('e'), 's');
  now = 10;
  assert.equal(await s.eventSession('e'), undefined);
});

test('checkUpdate accepts the documented shape only, code invalid_update', () => {
  const event_id = '7f22137a-6911-4ed3-bc36-110f1dde6b66';
  assert.ok(checkUpdate({ id: 'u', event_id, feedback: {} }).ok);
  assert.ok(checkUpdate({ id: 'x'.repeat(128), event_id, feedback: { a: [1] } }).ok);
  for (const bad of [null, [], { id: 'u', event_id, feedback: null }, { id: 1, event_id, feedback: {} },
    { id: 'u', event_id: `${event_id}/x`, feedback: {} }, { id: 'x'.repeat(129), event_id, feedback: {} }]) {
    const r = checkUpdate(bad);
    assert.equal(r.ok, false, JSON.stringify(bad));
    if (!r.ok) assert.deepEqual([r.result.status, r.result.code], [400, 'invalid_update']);
  }
});

test('updateOrder reads the engine ids <clientId>-<n>', () => {
  assert.deepEqual(updateOrder('tf-a1b2-17'), { stream: 'tf-a1b2', seq: '17' });
  assert.deepEqual(updateOrder('abc-007'), { stream: 'abc', seq: '7' });
  assert.equal(updateOrder('no-number-here'), undefined);
  assert.equal(updateOrder('u-1'.replace('1', '')), undefined);
});
