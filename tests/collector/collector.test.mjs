// The collector's HoneyHive routes over real HTTP with a real SQLite file:
// creation, feedback merging by both PUT forms, 400/401/404/415, the request
// log and read API, persistence across a restart.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { startTempCollector, collectorClient, TEST_API_KEY } from '../../collector/testing.mjs';
import { getEvent, listRequests, getStats } from '../../collector/server.mjs';

/** @type {Awaited<ReturnType<typeof startTempCollector>>} */
let c;
before(async () => { c = await startTempCollector(); });
after(async () => { await c.dispose(); });

test('POST /v1/sessions creates the root event and answers PostSessionStartResponse', async () => {
  const sessionId = randomUUID();
  const r = await c.client.call('POST', '/v1/sessions', { session_name: 'chat', session_id: sessionId, metadata: { a: 1 } });
  assert.equal(r.status, 200);
  assert.equal(r.json.session_id, sessionId);
  assert.equal(r.json.event_id, sessionId);
  assert.equal(r.json.event_type, 'session');
  assert.equal(r.json.event_name, 'chat');
  for (const k of ['org_id', 'workspace_id', 'project_id']) assert.equal(typeof r.json[k], 'string');

  // Idempotent on session_id: metadata merges into the existing session.
  const again = await c.client.call('POST', '/v1/sessions', { session_id: sessionId, metadata: { b: 2 } });
  assert.equal(again.status, 200);
  assert.deepEqual(getEvent(c.db, sessionId)?.metadata, { a: 1, b: 2 });
});

test('POST /v1/sessions generates a UUID when session_id is missing or not a UUID (as the spec says)', async () => {
  const r = await c.client.call('POST', '/v1/sessions', { session_id: 'nope' });
  assert.equal(r.status, 200);
  assert.match(r.json.session_id, /^[0-9a-f-]{36}$/);
  assert.notEqual(r.json.session_id, 'nope');
});

test('POST /v1/events creates a span whose parent defaults to the session', async () => {
  const { sessionId, eventId } = await c.client.seedSession();
  const row = getEvent(c.db, eventId);
  assert.ok(row);
  assert.equal(row.session_id, sessionId);
  assert.equal(row.parent_id, sessionId);
  assert.equal(row.event_type, 'model');
  assert.deepEqual(/** @type {any} */ (row).inputs, { question: 'q' });
  const listed = await c.client.call('GET', `/api/events?session_id=${sessionId}`);
  assert.deepEqual(listed.json.events.map((/** @type {any} */ e) => e.event_id), [sessionId, eventId]);
});

test('POST /v1/events rejects bodies the spec rejects', async () => {
  const missing = await c.client.call('POST', '/v1/events', { event_name: 'x' });
  assert.equal(missing.status, 400);
  assert.match(missing.json.error, /event_type is required/);
  assert.match(missing.json.error, /inputs is required/);
  const badType = await c.client.call('POST', '/v1/events', { event_type: 'span', inputs: {} });
  assert.equal(badType.status, 400);
  assert.match(badType.json.error, /event_type must be one of/);
  const unknown = await c.client.call('POST', '/v1/events', { event_type: 'tool', inputs: {}, colour: 'red' });
  assert.equal(unknown.status, 400);
  assert.match(unknown.json.error, /colour is not an allowed property/);
  const badId = await c.client.call('POST', '/v1/events', { event_type: 'tool', inputs: {}, event_id: '123' });
  assert.equal(badId.status, 400);
  assert.match(badId.json.error, /event_id must be a UUID/);
});

test('feedback merges key by key through PUT /v1/events/{id} and legacy PUT /events', async () => {
  const { eventId } = await c.client.seedSession();
  let r = await c.client.call('PUT', `/v1/events/${eventId}`, { feedback: { rating: 1, tags: ['a', 'b'], detail: { x: 1, y: 1 } } });
  assert.equal(r.status, 200);
  r = await c.client.call('PUT', '/events', { event_id: eventId, feedback: { rating: -1, tags: ['c'], detail: { y: 2 }, comment: 'meh' } });
  assert.equal(r.status, 200);
  r = await c.client.call('PUT', `/v1/events/${eventId}`, { metadata: { m: 1 }, outputs: null, duration: 42, ignored_field: true });
  assert.equal(r.status, 200, 'extra fields are accepted and ignored, per the spec');

  // Read the row straight from the SQLite file, not through the collector.
  const raw = new Database(c.dbPath, { readonly: true });
  try {
    const row = /** @type {any} */ (raw.prepare('SELECT feedback, metadata, outputs, duration FROM events WHERE event_id = ?').get(eventId));
    assert.deepEqual(JSON.parse(row.feedback), { rating: -1, tags: ['c'], detail: { x: 1, y: 2 }, comment: 'meh' });
    assert.deepEqual(JSON.parse(row.metadata), { m: 1 });
    assert.deepEqual(JSON.parse(row.outputs), { answer: 'a' }, 'outputs: null keeps the stored outputs');
    assert.equal(row.duration, 42);
  } finally {
    raw.close();
  }
  const api = await c.client.call('GET', `/api/events/${eventId}`);
  assert.equal(api.json.updates.length, 3);
  assert.deepEqual(api.json.updates.map((/** @type {any} */ u) => u.route),
    ['PUT /v1/events/{event_id}', 'PUT /events', 'PUT /v1/events/{event_id}']);
  const v1get = await c.client.call('GET', `/v1/events/${eventId}`);
  assert.equal(v1get.status, 200);
  assert.equal(v1get.json.event.feedback.comment, 'meh');
});

test('400 for malformed updates, naming what is wrong', async () => {
  const { eventId } = await c.client.seedSession();
  const cases = [
    ['PUT', '/v1/events/not-a-uuid', { feedback: {} }, /event_id must be a UUID/],
    ['PUT', `/v1/events/${eventId}`, { feedback: 'great' }, /feedback must be object/],
    ['PUT', `/v1/events/${eventId}`, { feedback: [1] }, /feedback must be object/],
    ['PUT', `/v1/events/${eventId}`, { outputs: 'text' }, /outputs must be object,null/],
    ['PUT', '/events', { feedback: { rating: 1 } }, /event_id is required/],
    ['PUT', '/events', { event_id: 'abc', feedback: {} }, /event_id must be a UUID/],
    ['PUT', `/v1/events/${eventId}`, '{"feedback":', /not valid JSON/],
  ];
  for (const [method, path, body, re] of cases) {
    const r = await c.client.call(/** @type {string} */ (method), /** @type {string} */ (path), body);
    assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(body)}`);
    assert.match(r.json.error, /** @type {RegExp} */ (re));
  }
  assert.deepEqual(getEvent(c.db, eventId)?.feedback, {}, 'nothing was applied');
});

test('415 when the body is not sent as application/json (the real API would see an empty body)', async () => {
  const { eventId } = await c.client.seedSession();
  const r = await c.client.call('PUT', `/v1/events/${eventId}`, JSON.stringify({ feedback: { a: 1 } }), { 'content-type': 'text/plain;charset=UTF-8' });
  assert.equal(r.status, 415);
});

test('401 without a bearer token or with the wrong key', async () => {
  const { eventId } = await c.client.seedSession();
  const none = await c.client.call('PUT', `/v1/events/${eventId}`, { feedback: { a: 1 } }, { authorization: '' });
  assert.equal(none.status, 401);
  const wrong = await collectorClient(c.url, 'wrong-key').call('PUT', `/v1/events/${eventId}`, { feedback: { a: 1 } });
  assert.equal(wrong.status, 401);
  const basic = await c.client.call('PUT', `/v1/events/${eventId}`, { feedback: { a: 1 } }, { authorization: `Basic ${TEST_API_KEY}` });
  assert.equal(basic.status, 401);
  assert.deepEqual(getEvent(c.db, eventId)?.feedback, {});
});

test('404 for an unknown event, unless autoCreateEvents', async () => {
  const id = randomUUID();
  const r = await c.client.call('PUT', `/v1/events/${id}`, { feedback: { a: 1 } });
  assert.equal(r.status, 404);
  const legacy = await c.client.call('PUT', '/events', { event_id: id, feedback: { a: 1 } });
  assert.equal(legacy.status, 404);
  assert.equal(getEvent(c.db, id), undefined);

  const auto = await startTempCollector({ autoCreateEvents: true });
  try {
    const ok = await auto.client.call('PUT', `/v1/events/${id}`, { feedback: { a: 1 } });
    assert.equal(ok.status, 200);
    assert.deepEqual(getEvent(auto.db, id)?.feedback, { a: 1 });
  } finally {
    await auto.dispose();
  }
});

test('the request log records method, path, status, size and event id; /api/stats sums it up', async () => {
  const since = listRequests(c.db).at(-1)?.seq ?? 0;
  const { eventId } = await c.client.seedSession();
  const body = { feedback: { rating: 1 } };
  await c.client.call('PUT', `/v1/events/${eventId}`, body);
  await c.client.call('PUT', '/v1/events/bad', body);
  const log = listRequests(c.db, { since });
  assert.deepEqual(log.map((r) => [r.method, r.status]), [['POST', 200], ['POST', 200], ['PUT', 200], ['PUT', 400]]);
  const put = log[2];
  assert.equal(put.path, `/v1/events/${eventId}`);
  assert.equal(put.event_id, eventId);
  assert.equal(put.body_bytes, Buffer.byteLength(JSON.stringify(body)));
  assert.equal(put.fault, null);
  assert.ok(put.duration_ms >= 0);
  const viaHttp = await c.client.call('GET', `/api/requests?method=PUT&since=${since}`);
  assert.equal(viaHttp.json.requests.length, 2);
  const stats = await c.client.call('GET', '/api/stats');
  assert.deepEqual(stats.json, getStats(c.db));
  assert.ok(stats.json.requests >= 4);
});

test('CORS: loopback origins allowed by default, others refused, preflight answered', async () => {
  const pre = await fetch(`${c.url}/v1/events/${randomUUID()}`, {
    method: 'OPTIONS',
    headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,content-type' },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), 'http://localhost:5173');
  assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  assert.match(pre.headers.get('access-control-allow-methods') ?? '', /PUT/);
  const evil = await fetch(`${c.url}/api/stats`, { headers: { origin: 'https://evil.example' } });
  assert.equal(evil.status, 403);
  assert.equal(evil.headers.get('access-control-allow-origin'), null);
  const ok = await fetch(`${c.url}/api/stats`, { headers: { origin: 'http://127.0.0.1:8080' } });
  assert.equal(ok.status, 200);
  assert.match(ok.headers.get('access-control-expose-headers') ?? '', /Retry-After/);
});

test('POST /_reset empties the tables only when allowed', async () => {
  const other = await startTempCollector({ allowReset: false });
  try {
    await other.client.seedSession();
    assert.equal((await other.client.call('POST', '/_reset')).status, 403);
    assert.equal(getStats(other.db).events, 2);
  } finally {
    await other.dispose();
  }
  const temp = await startTempCollector();
  try {
    await temp.client.seedSession();
    assert.equal((await temp.client.call('POST', '/_reset')).status, 200);
    assert.equal(getStats(temp.db).events, 0);
    assert.equal(getStats(temp.db).requests, 0);
  } finally {
    await temp.dispose();
  }
});

test('events and feedback survive a restart on the same SQLite file', async () => {
  const first = await startTempCollector();
  const { dir } = first;
  const { sessionId, eventId } = await first.client.seedSession();
  await first.client.call('PUT', `/v1/events/${eventId}`, { feedback: { rating: 1 } });
  await first.close();

  const second = await startTempCollector({ dir });
  try {
    assert.notEqual(second.url, '', 'restarted');
    const sessions = await second.client.call('GET', '/api/sessions');
    assert.deepEqual(sessions.json.sessions.map((/** @type {any} */ s) => [s.session_id, s.event_count, s.feedback_count]), [[sessionId, 2, 1]]);
    await second.client.call('PUT', '/events', { event_id: eventId, feedback: { comment: 'after restart' } });
    assert.deepEqual(getEvent(second.db, eventId)?.feedback, { rating: 1, comment: 'after restart' });
    assert.equal(second.db.pragma('journal_mode', { simple: true }), 'wal');
  } finally {
    await second.dispose();
  }
});
