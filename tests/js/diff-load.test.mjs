// Loading the edit diff module (trace_feedback_diff.wasm) in Node, against
// the built package. Order matters in this file: the module is cached per
// process once loaded, so the broken load comes first.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { init, createFeedback, TraceFeedbackError } from '../../dist/index.js';

const ok = async (r) => r.updates.map((u) => ({ id: u.id, status: 200 }));

test('a broken diff module does not stop init(): wasm_load_failed to onError, diff() names loadDiff(), edits refused not lost', async (t) => {
  const errors = [];
  const client = await init({
    namespace: randomUUID(), persistence: 'memory', transport: ok,
    diffWasmBinary: new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]), // not a module
    onError: (e) => errors.push(e),
  });
  t.after(() => client.close());
  assert.equal(errors.filter((e) => e.code === 'wasm_load_failed').length, 1, JSON.stringify(errors.map((e) => e.code)));
  assert.match(errors[0].message, /trace_feedback_diff\.wasm/);
  assert.throws(() => client.diff('a', 'b'), (e) => e instanceof TraceFeedbackError && e.code === 'not_initialized' && /await client\.loadDiff\(\)/.test(e.message));
  assert.throws(() => client.edit(randomUUID(), 'a', 'b'), (e) => e.code === 'not_initialized');
  assert.deepEqual(client.pending(), [], 'a refused edit queues nothing');
  // Still broken: the retry rejects and reports again.
  await assert.rejects(client.loadDiff(), (e) => e.code === 'wasm_load_failed');
  assert.equal(errors.filter((e) => e.code === 'wasm_load_failed').length, 2);
  assert.equal(client.enrichSpan({ eventId: randomUUID(), feedback: { rating: true } }).merged, false, 'ratings work without it');
});

test('createFeedback: no diff module with the core; edit() is recorded and replayed once it loads from disk', async (t) => {
  const delivered = [];
  const handle = createFeedback({ namespace: randomUUID(), persistence: 'memory', transport: ok, onDelivered: (e) => delivered.push(e), onError: () => {} });
  t.after(() => handle.close());
  const client = await handle.ready;
  assert.throws(() => client.diff('a', 'b'), (e) => e.code === 'not_initialized', 'the facade did not load it with the core');
  const eventId = randomUUID();
  assert.equal(handle.edit(eventId, 'I live in NYC.', 'I live in New York.'), undefined, 'recorded while the diff module loads');
  await client.loadDiff();
  await new Promise((r) => setTimeout(r, 0));
  const [queued] = client.pending();
  assert.equal(queued.event_id, eventId);
  assert.deepEqual(queued.feedback.edits, [{ at: 10, from: 'NYC', op: 'replace', value: 'New York' }], 'replayed');
  assert.equal(queued.feedback.actions.edit_count, 1);
  const report = await handle.flush();
  assert.equal(report.delivered, 1);
  assert.equal(delivered[0].eventId, eventId);
  // Loaded now: diff() and the handle's edit() are synchronous.
  assert.deepEqual(client.diff('I live in NYC.', 'I live in New York.').edits, [{ at: 10, from: 'NYC', op: 'replace', value: 'New York' }]);
  assert.equal(typeof handle.edit(eventId, 'a', 'b')?.updateId, 'string');
  await client.loadDiff(); // cached: resolves at once
});

test('diffWasmUrl and diffWasmBinary are checked like wasmUrl and wasmBinary', async () => {
  await assert.rejects(init({ diffWasmUrl: 42 }), (e) => e.code === 'invalid_options' && /diffWasmUrl/.test(e.message));
  await assert.rejects(init({ diffWasmBinary: 'bytes' }), (e) => e.code === 'invalid_options' && /diffWasmBinary/.test(e.message));
});

test('createFeedback: once the diff module is loaded (by loadDiff, attach or another client), edit() is synchronous at once', async (t) => {
  const handle = createFeedback({ namespace: randomUUID(), persistence: 'memory', transport: ok, onError: () => {} });
  t.after(() => handle.close());
  const client = await handle.ready;
  await client.loadDiff(); // loaded in this process already: resolves at once
  const receipt = handle.edit(randomUUID(), 'Paris', 'Lyon');
  assert.equal(typeof receipt?.updateId, 'string', 'a receipt, not a recorded call');
});
