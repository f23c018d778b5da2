// The official HoneyHive TypeScript SDK (honeyhive@1.0.42, pinned: 1.0.44
// ships no JavaScript) driven against the collector over real HTTP: start a
// session, log a span, feedback lands on both (the span through the route
// the proxy uses, the session through the SDK's own updateEvent), then the
// SDK reads them back with getEvents and getSession.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { HoneyHive } from 'honeyhive';
import { startTempCollector, TEST_API_KEY } from '../../collector/testing.mjs';
import { getEvent } from '../../collector/server.mjs';

const require = createRequire(import.meta.url);

/** @type {Awaited<ReturnType<typeof startTempCollector>>} */
let c;
/** @type {HoneyHive} */
let sdk;
before(async () => {
  c = await startTempCollector();
  sdk = new HoneyHive({ bearerAuth: TEST_API_KEY, serverURL: c.url });
});
after(async () => { await c.dispose(); });

test('the pinned SDK version is the one the collector is written against', () => {
  assert.equal(require('honeyhive/package.json').version, '1.0.42');
});

test('startSession, createEvent, feedback on both, getEvents and getSession', async () => {
  const project = `p-${randomUUID().slice(0, 8)}`;
  const started = await sdk.session.startSession({
    session: { project, sessionName: 'sdk chat', source: 'sdk-test', inputs: {}, metadata: { ua: 'node' } },
  });
  const sessionId = /** @type {string} */ (started.sessionId);
  assert.match(sessionId, /^[0-9a-f-]{36}$/);

  const before = Date.now() - 1000;
  const created = await sdk.events.createEvent({
    event: {
      project, source: 'sdk-test', eventName: 'chat.answer', eventType: 'model', sessionId, parentId: sessionId,
      config: { model: 'm' }, inputs: { question: 'capital of New York?' }, outputs: { answer: 'Albany' },
      duration: 12, startTime: Date.now(), endTime: Date.now() + 12,
    },
  });
  assert.equal(created.success, true);
  const eventId = /** @type {string} */ (created.eventId);
  assert.match(eventId, /^[0-9a-f-]{36}$/);

  // The page's feedback through the proxy's route, and the session's through the SDK.
  const put = await c.client.call('PUT', `/v1/events/${eventId}`, { feedback: { rating: true, comment: 'right' } });
  assert.equal(put.status, 200);
  await sdk.events.updateEvent({ eventId: sessionId, feedback: { session_rating: 5 } });
  await sdk.events.updateEvent({ eventId, metadata: { reviewed: true } });
  assert.deepEqual(getEvent(c.db, eventId)?.feedback, { rating: true, comment: 'right' });
  assert.deepEqual(getEvent(c.db, sessionId)?.feedback, { session_rating: 5 });

  const all = await sdk.events.getEvents({ project, filters: [{ field: 'session_id', value: sessionId, operator: 'is', type: 'id' }] });
  assert.equal(all.totalEvents, 2);
  const span = all.events?.find((e) => e.eventId === eventId);
  assert.ok(span, 'getEvents returns the span');
  assert.deepEqual(span.feedback, { rating: true, comment: 'right' });
  assert.deepEqual(span.metadata, { reviewed: true });
  assert.equal(span.eventType, 'model');
  assert.equal(span.parentId, sessionId);
  assert.deepEqual(span.outputs, { answer: 'Albany' });

  const models = await sdk.events.getEvents({
    project, filters: [{ field: 'event_type', value: 'model', operator: 'is', type: 'string' }],
    dateRange: { dollarGte: new Date(before).toISOString(), dollarLte: new Date(Date.now() + 60_000).toISOString() },
  });
  assert.deepEqual(models.events?.map((e) => e.eventId), [eventId]);
  const rated = await sdk.events.getEvents({ project, filters: [{ field: 'feedback.rating', value: 'true', operator: 'is', type: 'boolean' }] });
  assert.deepEqual(rated.events?.map((e) => e.eventId), [eventId]);
  const otherProject = await sdk.events.getEvents({ project: 'nobody', filters: [] });
  assert.equal(otherProject.totalEvents, 0);
  const past = await sdk.events.getEvents({ project, filters: [], dateRange: { dollarGte: '2000-01-01T00:00:00Z', dollarLte: '2000-01-02T00:00:00Z' } });
  assert.equal(past.totalEvents, 0);

  const session = await sdk.session.getSession(sessionId);
  assert.equal(session.eventId, sessionId);
  assert.equal(session.eventType, 'session');
  assert.equal(session.eventName, 'sdk chat');
  assert.deepEqual(session.feedback, { session_rating: 5 });
  assert.deepEqual(session.metadata, { ua: 'node' });
});

test('getEvents pages: limit and page, totalEvents counts every match', async () => {
  const project = `p-${randomUUID().slice(0, 8)}`;
  const { sessionId } = await sdk.session.startSession({ session: { project, sessionName: 's', source: 'sdk-test' } });
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const r = await sdk.events.createEvent({
      event: { project, source: 'sdk-test', eventName: `e${i}`, eventType: 'tool', sessionId, config: {}, inputs: { i }, duration: 1, startTime: 1_700_000_000_000 + i },
    });
    ids.push(r.eventId);
  }
  const filters = [{ field: 'event_type', value: 'tool', operator: /** @type {const} */ ('is'), type: /** @type {const} */ ('string') }];
  const p1 = await sdk.events.getEvents({ project, filters, limit: 2, page: 1 });
  const p3 = await sdk.events.getEvents({ project, filters, limit: 2, page: 3 });
  assert.equal(p1.totalEvents, 5);
  assert.deepEqual(p1.events?.map((e) => e.eventId), ids.slice(0, 2));
  assert.deepEqual(p3.events?.map((e) => e.eventId), ids.slice(4));
  const projected = await c.client.call('POST', '/events/export', { project, filters, projections: ['event_id', 'event_name'], limit: 1 });
  assert.deepEqual(projected.json.events, [{ event_id: ids[0], event_name: 'e0' }]);
});

test('the SDK routes refuse what they must: bad bodies 400, unknown session 404, no key 401', async () => {
  assert.equal((await c.client.call('POST', '/session/start', { session: 'x' })).status, 400);
  assert.match((await c.client.call('POST', '/events', { event: { event_type: 'span', inputs: {} } })).json.error, /event\.event_type must be one of/);
  assert.match((await c.client.call('POST', '/events', { event: { event_type: 'tool' } })).json.error, /event\.inputs is required/);
  assert.match((await c.client.call('POST', '/events/export', { filters: [] })).json.error, /project is required/);
  assert.match((await c.client.call('POST', '/events/export', { project: 'p', filters: [{ field: 'x', operator: 'near' }] })).json.error, /filters\.0\.operator must be one of/);
  assert.match((await c.client.call('POST', '/events/export', { project: 'p', filters: [], limit: 10_000 })).json.error, /limit must be an integer in 1\.\.7500/);
  assert.equal((await c.client.call('GET', `/session/${randomUUID()}`)).status, 404);
  assert.equal((await c.client.call('GET', '/session/nope')).status, 400);
  const noKey = await fetch(`${c.url}/session/${randomUUID()}`);
  assert.equal(noKey.status, 401);
  await assert.rejects(new HoneyHive({ bearerAuth: 'wrong', serverURL: c.url }).session.getSession(randomUUID()), /401/);
});
