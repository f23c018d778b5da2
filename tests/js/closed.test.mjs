// Issue 11.7: after close() the core handle is freed. Every public method
// throws TraceFeedbackError `closed` (not Embind's raw "deleted object"
// error), or is one of the documented no-ops.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { init, TraceFeedbackError } from '../../dist/index.js';

const ID = '123e4567-e89b-12d3-a456-426614174000';

test('every method after close() throws TraceFeedbackError closed, or is a documented no-op', async () => {
  const client = await init({ namespace: randomUUID(), transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 200 })) });
  client.setSession(ID);
  await client.close();
  const throwing = {
    enrichSpan: () => client.enrichSpan({ eventId: ID, feedback: { rating: true } }),
    enrichSpanBadId: () => client.enrichSpan({ eventId: 'nope', feedback: { rating: true } }),
    enrichSession: () => client.enrichSession({ feedback: { rating: true } }),
    rate: () => client.rate(ID, true),
    score: () => client.score(ID, 3),
    comment: () => client.comment(ID, 'hi'),
    action: () => client.action(ID, 'copy'),
    edit: () => client.edit(ID, 'a', 'b'),
    diff: () => client.diff('a', 'b'),
    setSession: () => client.setSession(ID),
    pending: () => client.pending(),
    stats: () => client.stats(),
    attach: () => client.attach(),
  };
  for (const [name, call] of Object.entries(throwing)) {
    assert.throws(call, (e) => e instanceof TraceFeedbackError && e.code === 'closed' && /closed/.test(e.message), name);
  }
  // The documented no-ops.
  assert.equal(client.linkFromResponse(new Headers({ baggage: `session_id=${randomUUID()}` })), undefined);
  assert.equal(client.linkFromMeta({ querySelector: () => ({ getAttribute: () => ID }) }), undefined);
  assert.equal(client.sessionId, ID);
  client.detach();
  assert.equal(typeof client.onError(() => {}), 'function');
  assert.equal(typeof client.onDelivered(() => {}), 'function');
  assert.deepEqual(await client.flush(), { delivered: 0, retrying: 0, deadLettered: 0, queued: 0 });
  await client.close();
});

test('close() twice at once: both wait for the same close', async () => {
  let release;
  const gate = new Promise((r) => (release = r));
  const client = await init({
    namespace: randomUUID(),
    transport: async (r) => {
      await gate;
      return r.updates.map((u) => ({ id: u.id, status: 200 }));
    },
  });
  client.enrichSpan({ eventId: ID, feedback: { rating: true } });
  const a = client.close();
  const b = client.close();
  assert.equal(a, b);
  release();
  await a;
  assert.throws(() => client.pending(), (e) => e.code === 'closed');
});
