// Issue 10's two client bugs, against the built package: copied text must
// land where the core's rules accept it (it made every copy fail), and
// linkFromResponse must survive a baggage session_id that is not ours.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { init, validateFeedback } from '../../dist/index.js';
import { copyFeedback } from '../../dist/capture/signals.js';

const idle = { flushIntervalMs: 3600000, flushAtUpdates: 10000, flushAtBytes: 4000000 };

test('copy feedback with the copied text passes the core rules and is queued whole', async (t) => {
  const feedback = copyFeedback(2, 0.5, 'The capital of France is Paris.');
  assert.deepEqual(feedback, {
    actions: { copied: true, copy_count: 2, copied_fraction: 0.5 },
    copy: { text: 'The capital of France is Paris.' },
  });
  assert.deepEqual(validateFeedback(feedback).errors, []);
  // The old place is what the core refuses: this is why it moved.
  assert.equal(validateFeedback({ actions: { copied_text: 'x' } }).errors[0].code, 'wrong_type');
  const client = await init({ namespace: randomUUID(), transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 200 })), delivery: idle });
  t.after(() => client.close());
  const eventId = randomUUID();
  client.enrichSpan({ eventId, feedback });
  assert.deepEqual(client.pending()[0].feedback.copy, { text: 'The capital of France is Paris.' });
  // Clipped to 4,000 UTF-16 units without splitting a surrogate pair.
  const long = copyFeedback(1, 1, 'a'.repeat(3999) + '😀' + 'b'.repeat(10));
  assert.equal(long.copy.text.length, 3999);
  assert.deepEqual(validateFeedback(long).errors, []);
});

test('linkFromResponse ignores a non-UUID baggage session_id, keeps the session, warns once, never throws', async (t) => {
  const errors = [];
  const logs = [];
  const client = await init({
    namespace: randomUUID(),
    transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 200 })),
    delivery: idle,
    onError: (e) => errors.push(e),
    debug: (m, d) => logs.push({ m, d }),
  });
  t.after(() => client.close());
  const session = randomUUID();
  assert.equal(client.linkFromResponse(new Headers({ baggage: `session_id=${session}` })), session);
  for (const value of ['abc', 'sess-42', '', '123e4567e89b12d3a456426614174000', '%E0%A4%A']) {
    const got = client.linkFromResponse(new Headers({ baggage: `session_id=${value},other=1`, traceparent: '00-' + 'a'.repeat(32) + '-' + 'b'.repeat(16) + '-01' }));
    assert.equal(got, undefined, `for ${JSON.stringify(value)}`);
    assert.equal(client.sessionId, session, 'the linked session is kept');
  }
  client.linkFromResponse({ baggage: 'honeyhive_session_id=not-a-uuid' });
  const warnings = errors.filter((e) => e.code === 'invalid_session_in_baggage');
  assert.equal(warnings.length, 1, 'one warning, however many responses carry it');
  assert.match(warnings[0].message, /not a UUID/);
  assert.match(warnings[0].message, new RegExp(session));
  assert.ok(logs.some((l) => /non-UUID session_id/.test(l.m)), 'a debug line');
  assert.equal(client.traceparent, '00-' + 'a'.repeat(32) + '-' + 'b'.repeat(16) + '-01');
  // Session feedback still goes to the kept session.
  const r = client.enrichSession({ feedback: { rating: true } });
  assert.equal(r.eventId, session);
});

test('linkFromResponse with a non-UUID session and no session yet leaves feedback waiting', async (t) => {
  const client = await init({ namespace: randomUUID(), transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 200 })), delivery: idle, onError: () => {} });
  t.after(() => client.close());
  assert.equal(client.linkFromResponse({ baggage: 'session_id=abc' }), undefined);
  assert.equal(client.sessionId, undefined);
  assert.equal(client.enrichSession({ feedback: { rating: true } }).waitingForSession, true);
});
