// The client API against the built package in Node: enrichSession and
// enrichSpan validate synchronously, throw with nothing queued, and queue
// merged updates; ids must be UUIDs; session feedback waits for the session.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { init, loadCore, FeedbackValidationError, TraceFeedbackError } from '../../dist/index.js';

// These tests look at the queue only: nothing is due for sending, and each
// client gets its own namespace so it does not adopt an earlier test's
// (closed client's) queue, which the library rightly keeps.
const idle = { flushIntervalMs: 3600000, flushAtUpdates: 10000, flushAtBytes: 4000000 };
const fresh = () => ({ namespace: randomUUID(), transport: unusedTransport(), delivery: idle, onError: () => {} });
function unusedTransport() {
  // close() flushes: answer 503 so nothing is delivered and nothing is lost.
  return async (request) => request.updates.map((u) => ({ id: u.id, status: 503 }));
}

test('init loads the wasm once and returns working clients', async () => {
  const a = loadCore();
  const b = loadCore();
  assert.equal(a, b, 'one cached promise');
  const client = await init(fresh());
  assert.deepEqual(client.pending(), []);
  await client.close();
});

test('enrichSpan queues; repeated updates to one span merge', async (t) => {
  const client = await init(fresh());
  t.after(() => client.close());
  const eventId = randomUUID();
  const other = randomUUID();
  const r1 = client.enrichSpan({ eventId, feedback: { rating: true, actions: { copied: true } } });
  assert.equal(r1.eventId, eventId);
  assert.equal(r1.merged, false);
  assert.equal(typeof r1.updateId, 'string');
  const r2 = client.enrichSpan({ eventId, feedback: { comment: 'good', actions: { copy_count: 2 } } });
  assert.equal(r2.merged, true);
  assert.equal(r2.updateId, r1.updateId);
  client.enrichSpan({ eventId: other, feedback: { score: 3 } });
  const pending = client.pending();
  assert.equal(pending.length, 2);
  assert.deepEqual(pending.find((p) => p.event_id === eventId).feedback, {
    rating: true, comment: 'good', actions: { copied: true, copy_count: 2 },
  });
  assert.deepEqual(pending.find((p) => p.event_id === other).feedback, { score: 3 });
});

test('bad feedback throws FeedbackValidationError and leaves the queue untouched', async (t) => {
  const client = await init(fresh());
  t.after(() => client.close());
  const eventId = randomUUID();
  client.enrichSpan({ eventId, feedback: { rating: true } });
  const before = JSON.stringify(client.pending());
  const attempts = [
    () => client.enrichSpan({ eventId, feedback: { rating: 'up', n: NaN } }),
    () => client.enrichSpan({ eventId, feedback: { a: { b: { c: { d: { e: { f: {} } } } } } } }),
    () => client.enrichSpan({ eventId, feedback: null }),
    () => client.enrichSession({ feedback: { ground_truth: 42 } }),
  ];
  for (const attempt of attempts) {
    assert.throws(attempt, (e) => {
      assert.ok(e instanceof FeedbackValidationError);
      assert.ok(e instanceof Error);
      assert.ok(e.errors.length >= 1);
      for (const issue of e.errors) {
        assert.match(issue.path, /^feedback/);
        assert.match(issue.code, /^[a-z_]+$/);
      }
      return true;
    });
  }
  const e = (() => { try { client.enrichSpan({ eventId, feedback: { rating: 'up', n: NaN } }); } catch (x) { return x; } })();
  assert.deepEqual(e.errors.map((i) => `${i.path} ${i.code}`).sort(), ['feedback.n non_finite_number', 'feedback.rating wrong_type']);
  assert.equal(JSON.stringify(client.pending()), before);
});

test('ids must be UUIDs: a clear error naming the argument', async (t) => {
  const client = await init(fresh());
  t.after(() => client.close());
  for (const bad of ['', 'abc', '../../admin', 42, undefined, '123e4567-e89b-12d3-a456-42661417400g']) {
    assert.throws(() => client.enrichSpan({ eventId: bad, feedback: { rating: true } }), (e) => {
      assert.ok(e instanceof FeedbackValidationError);
      assert.equal(e.errors[0].path, 'eventId');
      assert.equal(e.errors[0].code, 'invalid_id');
      assert.match(e.message, /eventId: must be a UUID/);
      return true;
    });
    assert.throws(() => client.setSession(bad), (e) => e.errors[0].path === 'sessionId' && e.errors[0].code === 'invalid_id');
  }
  // Both the id and the feedback are reported in one throw.
  assert.throws(() => client.enrichSpan({ eventId: 'x', feedback: { n: Infinity } }), (e) =>
    e.errors.length === 2 && e.errors[1].path === 'feedback.n');
  assert.deepEqual(client.pending(), []);
});

test('session feedback waits for the session, then targets it', async (t) => {
  const client = await init(fresh());
  t.after(() => client.close());
  const r = client.enrichSession({ feedback: { rating: true } });
  assert.equal(r.waitingForSession, true);
  assert.equal(r.eventId, null);
  client.enrichSession({ feedback: { comment: 'later' } });
  assert.equal(client.stats().waitingForSession, 1);
  assert.equal(client.pending()[0].event_id, null);
  const sessionId = randomUUID();
  client.setSession(sessionId);
  assert.equal(client.sessionId, sessionId);
  const pending = client.pending();
  assert.equal(pending.length, 1);
  assert.equal(pending[0].event_id, sessionId);
  assert.deepEqual(pending[0].feedback, { rating: true, comment: 'later' });
  const explicit = randomUUID();
  const r2 = client.enrichSession({ sessionId: explicit, feedback: { score: 5 } });
  assert.equal(r2.eventId, explicit);
});

test('linkFromResponse reads the session from W3C baggage and keeps traceparent', async (t) => {
  const client = await init(fresh());
  t.after(() => client.close());
  const id = randomUUID();
  const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const res = new Response('{}', { headers: { baggage: `userId=alice, honeyhive.session_id=${id};meta=1`, traceparent: tp } });
  assert.equal(client.linkFromResponse(res), id);
  assert.equal(client.sessionId, id);
  assert.equal(client.traceparent, tp);
  const other = randomUUID();
  assert.equal(client.linkFromResponse({ Baggage: `session_id=${other}` }), other);
  assert.equal(client.linkFromResponse(new Headers({ baggage: 'foo=bar' })), undefined);
  assert.equal(client.sessionId, other);
  // Not ours (issue 10): ignored, the session kept (tests/js/issue10-client.test.mjs).
  assert.equal(client.linkFromResponse(new Headers({ baggage: 'session_id=not-a-uuid' })), undefined);
  assert.equal(client.sessionId, other);
});

test('bad options are refused with a clear error', async () => {
  await assert.rejects(init({ delivery: { flushAtUpdates: 'ten' } }), (e) =>
    e instanceof TraceFeedbackError && e.code === 'invalid_options' && /flushAtUpdates/.test(e.message));
  await assert.rejects(init({ limits: { maxObjectDepth: 6 } }), (e) => e.code === 'invalid_options' && /maxObjectDepth/.test(e.message));
  await assert.rejects(init({ transport: 'pigeon' }), (e) => e.code === 'invalid_options');
  await assert.rejects(init({ transport: 'honeyhive' }), (e) => e.code === 'invalid_options' && /apiKey/.test(e.message));
});

test('control characters and astral code points survive the core round trip (escaping in dump)', async (t) => {
  const client = await init(fresh());
  t.after(() => client.close());
  const eventId = randomUUID();
  const comment = 'tab\there, nul-ish \u0001\u001f, quote " backslash \\ and 👍 done';
  client.enrichSpan({ eventId, feedback: { comment, nested: { k: '\u0007' } } });
  const [p] = client.pending();
  assert.equal(p.feedback.comment, comment);
  assert.equal(p.feedback.nested.k, '\u0007');
  const diff = client.diff('a\u0001b', 'a\u0002b');
  assert.equal(diff.edit_stats.edit_distance, 2);
  assert.equal(diff.edits[0].value, '\u0002');
});
