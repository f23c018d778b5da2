// Fault injection: each kind over HTTP (POST /_faults) and in-process
// (collector.faults), and that faults show up in the request log.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startTempCollector } from '../../collector/testing.mjs';
import { getEvent, listRequests } from '../../collector/server.mjs';

/** @type {Awaited<ReturnType<typeof startTempCollector>>} */
let c;
/** @type {string} */
let eventId;
before(async () => {
  c = await startTempCollector();
  ({ eventId } = await c.client.seedSession());
});
after(async () => { await c.dispose(); });
beforeEach(() => c.faults.clear());

const put = (/** @type {Record<string, unknown>} */ feedback, id = eventId) => c.client.call('PUT', `/v1/events/${id}`, { feedback });
const lastSeq = () => listRequests(c.db).at(-1)?.seq ?? 0;

test('failNext answers N writes with the status, then recovers; nothing is applied meanwhile', async () => {
  const r = await c.client.faults({ failNext: 3, status: 503 });
  assert.equal(r.status, 200);
  assert.equal(r.json.faults.length, 1);
  const since = lastSeq();
  for (let i = 0; i < 3; i++) assert.equal((await put({ n: i })).status, 503);
  assert.equal((await put({ n: 3 })).status, 200);
  assert.deepEqual(getEvent(c.db, eventId)?.feedback.n, 3);
  assert.deepEqual(listRequests(c.db, { since }).map((x) => x.fault), ['fail:503', 'fail:503', 'fail:503', null]);
});

test('failNext 429 carries Retry-After in seconds or as an HTTP-date', async () => {
  await c.client.faults({ failNext: 1, status: 429, retryAfter: '2' });
  const date = new Date(Date.now() + 5000).toUTCString();
  c.faults.add({ failNext: 1, status: 429, retryAfter: date });
  const a = await put({ x: 1 });
  assert.equal(a.status, 429);
  assert.equal(a.headers.get('retry-after'), '2');
  const b = await put({ x: 1 });
  assert.equal(b.status, 429);
  assert.equal(b.headers.get('retry-after'), date);
  assert.equal((await put({ x: 1 })).status, 200);
});

test('faults apply to writes only, and an eventId limits a fault to that event', async () => {
  const other = (await c.client.seedSession()).eventId;
  c.faults.add({ failNext: 1, status: 500, eventId: other });
  assert.equal((await c.client.call('GET', '/api/stats')).status, 200);
  assert.equal((await put({ y: 1 })).status, 200, 'a different event is not affected');
  assert.equal((await c.client.call('PUT', '/events', { event_id: other, feedback: { y: 1 } })).status, 500,
    'the legacy route matches on the body event_id');
  assert.equal((await put({ y: 2 }, other)).status, 200);
});

test('dropNext destroys the connection without an answer', async () => {
  await c.client.faults({ dropNext: 2 });
  const since = lastSeq();
  await assert.rejects(put({ d: 1 }));
  await assert.rejects(put({ d: 2 }));
  assert.equal((await put({ d: 3 })).status, 200);
  const log = listRequests(c.db, { since });
  assert.deepEqual(log.map((x) => [x.status, x.fault]), [[null, 'drop'], [null, 'drop'], [200, null]]);
  assert.equal(getEvent(c.db, eventId)?.feedback.d, 3);
});

test('delayMs delays the next delayNext writes', async () => {
  await c.client.faults({ delayMs: 150, delayNext: 1 });
  let t = Date.now();
  assert.equal((await put({ z: 1 })).status, 200);
  assert.ok(Date.now() - t >= 140, `delayed ${Date.now() - t}ms`);
  t = Date.now();
  await put({ z: 2 });
  assert.ok(Date.now() - t < 140, 'only one request was delayed');
  assert.equal(listRequests(c.db).at(-2)?.fault, 'delay:150');
});

test('a delayed write can time out on the client while the collector still applies it', async () => {
  c.faults.add({ delayMs: 200, delayNext: 1 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(fetch(`${c.url}/v1/events/${eventId}`, {
    method: 'PUT', signal: controller.signal,
    headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
    body: JSON.stringify({ feedback: { late: true } }),
  }));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(getEvent(c.db, eventId)?.feedback.late, true, 'the lost-response case retrying clients must deduplicate');
});

test('{"clear": true} removes pending faults; malformed specs are 400', async () => {
  await c.client.faults({ failNext: 5 });
  const cleared = await c.client.faults({ clear: true });
  assert.deepEqual(cleared.json.faults, []);
  assert.equal((await put({ c: 1 })).status, 200);
  assert.equal((await c.client.faults({ failNext: -1 })).status, 400);
  assert.equal((await c.client.faults({ status: 503 })).status, 400);
  assert.equal((await c.client.faults({ failNext: 1, status: 42 })).status, 400);
});

test('faults hit before auth and validation, like an outage in front of the API', async () => {
  c.faults.add({ failNext: 1, status: 502 });
  const r = await new Promise((resolve, reject) => {
    const req = request(`${c.url}/v1/events/not-a-uuid`, { method: 'PUT' }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
    req.end('garbage');
  });
  assert.equal(r, 502);
});
