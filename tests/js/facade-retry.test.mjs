// createFeedback() after a failed load (a chunk or .wasm fetch that failed
// once): the recorded calls are kept and replayed when a later attempt
// succeeds, instead of being stranded with every later call recorded forever.
// Its own file: the loader caches the core per process, and this test needs
// the first load in the process to fail.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createFeedback } from '../../dist/index.js';

test('a failed load is retried with backoff; what was recorded before is delivered', async (t) => {
  const real = readFileSync(new URL('../../dist/trace_feedback_core.wasm', import.meta.url));
  // Same object the loader will read on each attempt: zeros first (not a wasm module), the real bytes later.
  const bytes = new Uint8Array(real.length);
  const sent = [];
  const transport = async (request) => {
    for (const u of request.updates) sent.push(u);
    return request.updates.map((u) => ({ id: u.id, status: 200 }));
  };
  const errors = [];
  const eventId = randomUUID();
  const feedback = createFeedback({ namespace: randomUUID(), transport, wasmBinary: bytes, onError: (e) => errors.push(e) });
  t.after(() => feedback.client?.close());

  feedback.enrichSpan({ eventId, feedback: { comment: 'before the failure' } }); // first use starts the load
  await assert.rejects(feedback.ready, (e) => e.code === 'wasm_load_failed');
  for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(errors.length, 1, 'the failed load was reported once');
  assert.equal(errors[0].code, 'wasm_load_failed');
  feedback.rate(eventId, true); // the next use tries again (still failing: the bytes are still zeros)
  for (let i = 0; i < 100 && errors.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(errors.map((e) => e.code), ['wasm_load_failed', 'wasm_load_failed'], 'the next use retried');
  assert.equal(feedback.client, undefined);
  assert.equal(feedback.stats().queued, 2, 'both calls kept');

  bytes.set(real); // the network is back
  const fixedAt = Date.now();
  // Nobody reads `ready` or calls again: the backoff timer (1 s) retries on its own.
  for (let i = 0; i < 300 && !feedback.client; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(feedback.client, 'loaded on the timer retry');
  const waited = Date.now() - fixedAt;
  const report = await feedback.flush();
  assert.equal(report.delivered, 1);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].event_id, eventId);
  assert.equal(sent[0].feedback.comment, 'before the failure');
  assert.equal(sent[0].feedback.rating, true);
  t.diagnostic(`loaded ${waited} ms after the bytes were fixed, with no call in between`);
});
