// Delivery from the built package in Node, over real HTTP: the reference
// proxy in front of the local collector on a real SQLite file. Retry,
// Retry-After, dead letters, direct HoneyHive mode and session waiting.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { init } from '../../dist/index.js';
import { startProxyServer } from '../../dist/server/index.js';
import { startTempCollector, TEST_API_KEY } from '../../collector/testing.mjs';
import { getEvent, listUpdates, listRequests } from '../../collector/server.mjs';
import { until as waitUntil } from './until.mjs';

async function stack(t) {
  const collector = await startTempCollector();
  const proxy = await startProxyServer({ serverUrl: collector.url, apiKey: TEST_API_KEY, path: '/feedback', allowUnsigned: true });
  t.after(async () => {
    await proxy.close();
    await collector.dispose();
  });
  return { collector, proxy, endpoint: `${proxy.url}/feedback` };
}

const fast = { retryBaseMs: 20, retryMaxDelayMs: 200, flushIntervalMs: 10, jitter: 0 };

const until = (fn, what, timeoutMs = 10000) => waitUntil(fn, what, timeoutMs, 20);

test('captures become one merged row per event, in few requests', async (t) => {
  const { collector, endpoint } = await stack(t);
  const { sessionId, eventId } = await collector.client.seedSession();
  const delivered = [];
  const client = await init({ endpoint, delivery: { flushIntervalMs: 50 }, onDelivered: (e) => delivered.push(e) });
  t.after(() => client.close());
  client.setSession(sessionId);
  client.enrichSpan({ eventId, feedback: { rating: true, actions: { copied: true, copy_count: 1 } } });
  client.enrichSpan({ eventId, feedback: { comment: 'nice', actions: { copy_count: 2 } } });
  client.enrichSession({ feedback: { score: 4 } });
  const report = await client.flush();
  assert.equal(report.delivered, 2, 'one merged update per target');
  assert.deepEqual(getEvent(collector.db, eventId).feedback, { rating: true, comment: 'nice', actions: { copied: true, copy_count: 2 } });
  assert.deepEqual(getEvent(collector.db, sessionId).feedback, { score: 4 });
  assert.equal(listRequests(collector.db, { method: 'PUT' }).length, 2);
  assert.deepEqual(delivered.map((d) => d.eventId).sort(), [eventId, sessionId].sort());
  assert.equal(client.stats().sent, 2);
  assert.equal(client.stats().queued, 0);
});

test('503 for a while, then recovery: everything lands once', async (t) => {
  const { collector, endpoint } = await stack(t);
  const { eventId } = await collector.client.seedSession();
  await collector.client.faults({ failNext: 3, status: 503 });
  const client = await init({ endpoint, delivery: fast });
  t.after(() => client.close());
  client.enrichSpan({ eventId, feedback: { rating: false } });
  await until(() => client.stats().sent === 1, 'delivery after 503s');
  assert.deepEqual(getEvent(collector.db, eventId).feedback, { rating: false });
  assert.equal(listUpdates(collector.db, eventId).length, 1, 'applied exactly once');
  const statuses = listRequests(collector.db, { method: 'PUT' }).map((r) => r.status);
  assert.deepEqual(statuses, [503, 503, 503, 200]);
  assert.equal(client.stats().retried, 3);
});

test('429 with Retry-After is respected', async (t) => {
  const { collector, endpoint } = await stack(t);
  const { eventId } = await collector.client.seedSession();
  await collector.client.faults({ failNext: 1, status: 429, retryAfter: '1' });
  const client = await init({ endpoint, delivery: fast });
  t.after(() => client.close());
  client.enrichSpan({ eventId, feedback: { score: 2 } });
  await until(() => client.stats().sent === 1, 'delivery after 429', 5000);
  const puts = listRequests(collector.db, { method: 'PUT' });
  assert.deepEqual(puts.map((r) => r.status), [429, 200]);
  const gap = puts[1].at - puts[0].at;
  assert.ok(gap >= 950, `resent after ${gap} ms; Retry-After asked for 1000`);
  assert.ok(gap < 3000, `resent after ${gap} ms; backoff base was 20 ms`);
});

test('an event that does not exist, past the settle window, is dead-lettered as unknown_event and reported', async (t) => {
  const { endpoint } = await stack(t);
  const errors = [];
  // A window of 0: given up at the first 404 (within it, a 404 is retried: tests/js/unknown-event.test.mjs).
  const client = await init({ endpoint, delivery: { ...fast, unknownEventRetryMs: 0 }, onError: (e) => errors.push(e) });
  t.after(() => client.close());
  const missing = randomUUID();
  client.enrichSpan({ eventId: missing, feedback: { rating: true } });
  const report = await client.flush();
  assert.equal(report.deadLettered, 1);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'unknown_event');
  assert.equal(errors[0].status, 404);
  assert.equal(errors[0].eventId, missing);
  assert.deepEqual(errors[0].feedback, { rating: true });
  assert.equal(client.stats().deadLettered, 1);
});

test('dropped connections are retried without double application', async (t) => {
  const { collector, endpoint } = await stack(t);
  const { eventId } = await collector.client.seedSession();
  await collector.client.faults({ dropNext: 2 });
  const client = await init({ endpoint, delivery: fast });
  t.after(() => client.close());
  client.enrichSpan({ eventId, feedback: { actions: { copy_count: 3 } } });
  await until(() => client.stats().sent === 1, 'delivery after drops');
  assert.deepEqual(getEvent(collector.db, eventId).feedback, { actions: { copy_count: 3 } });
  assert.equal(listUpdates(collector.db, eventId).length, 1);
});

test('session feedback waits for the session and is then delivered to it', async (t) => {
  const { collector, endpoint } = await stack(t);
  const { sessionId } = await collector.client.seedSession();
  const client = await init({ endpoint, delivery: fast });
  t.after(() => client.close());
  client.enrichSession({ feedback: { rating: true } });
  const first = await client.flush();
  assert.equal(first.delivered, 0);
  assert.equal(client.stats().waitingForSession, 1);
  assert.equal(listRequests(collector.db, { method: 'PUT' }).length, 0, 'nothing sent without a session id');
  client.setSession(sessionId);
  const second = await client.flush();
  assert.equal(second.delivered, 1);
  assert.deepEqual(getEvent(collector.db, sessionId).feedback, { rating: true });
});

for (const legacy of [false, true]) {
  test(`direct HoneyHive transport (${legacy ? 'legacy PUT /events' : 'PUT /v1/events/{id}'})`, async (t) => {
    const collector = await startTempCollector();
    t.after(() => collector.dispose());
    const { eventId } = await collector.client.seedSession();
    const other = (await collector.client.seedSession()).eventId;
    const client = await init({ transport: 'honeyhive', apiKey: TEST_API_KEY, serverUrl: collector.url, legacy, delivery: fast });
    t.after(() => client.close());
    client.enrichSpan({ eventId, feedback: { rating: true } });
    client.enrichSpan({ eventId: other, feedback: { rating: false } });
    const report = await client.flush();
    assert.equal(report.delivered, 2);
    const puts = listRequests(collector.db, { method: 'PUT' });
    assert.equal(puts.length, 2, 'one request per target');
    for (const r of puts) assert.equal(r.path, legacy ? '/events' : `/v1/events/${r.event_id}`);
    assert.deepEqual(getEvent(collector.db, eventId).feedback, { rating: true });
  });
}

test('signed tokens end to end: the client sends its token; a token for another session is refused per update', async (t) => {
  const { mintFeedbackToken } = await import('../../dist/server/index.js');
  const secret = 'test-secret-test-secret-test-secret-1234';
  const collector = await startTempCollector();
  const proxy = await startProxyServer({ serverUrl: collector.url, apiKey: TEST_API_KEY, path: '/feedback', feedbackTokens: { secret } });
  t.after(async () => {
    await proxy.close();
    await collector.dispose();
  });
  const mine = await collector.client.seedSession('mine');
  const theirs = await collector.client.seedSession('theirs');
  let token = mintFeedbackToken({ secret, sessionId: mine.sessionId, eventIds: [mine.eventId] });
  const errors = [];
  const client = await init({ endpoint: `${proxy.url}/feedback`, token: () => token, delivery: fast, onError: (e) => errors.push(e) });
  t.after(() => client.close());
  client.setSession(mine.sessionId);
  client.enrichSpan({ eventId: mine.eventId, feedback: { rating: true } });
  client.enrichSession({ feedback: { score: 5 } });
  client.enrichSpan({ eventId: theirs.eventId, feedback: { rating: false } });
  const report = await client.flush();
  assert.equal(report.delivered, 2);
  assert.equal(report.deadLettered, 1);
  assert.deepEqual(getEvent(collector.db, mine.eventId).feedback, { rating: true });
  assert.deepEqual(getEvent(collector.db, mine.sessionId).feedback, { score: 5 });
  assert.deepEqual(getEvent(collector.db, theirs.eventId).feedback, {}, "nothing lands on another session's event");
  assert.equal(errors.length, 1);
  assert.equal(errors[0].status, 403);
  assert.equal(errors[0].eventId, theirs.eventId);
  // A forged token is refused for the whole batch.
  token = mintFeedbackToken({ secret: 'forged-secret-forged-secret-forged-1234', sessionId: mine.sessionId });
  client.enrichSession({ feedback: { comment: 'forged' } });
  const forged = await client.flush();
  assert.equal(forged.deadLettered, 1);
  assert.deepEqual(getEvent(collector.db, mine.sessionId).feedback, { score: 5 });
});
