// createFeedback(): the loader facade against the built package in Node.
// It returns before anything has loaded, records calls and replays them in
// order, sends refused calls to onError (never throws), and keeps the
// client, the core and delivery out of the first chunk a bundler emits.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFeedback, init } from '../../dist/index.js';
import { bundleApp } from '../../bench/lib/bundle.mjs';

const SESSION = '123e4567-e89b-12d3-a456-426614174000';

/** A transport that records every update it is given and accepts it. */
function recordingTransport() {
  const sent = [];
  const transport = async (request) => {
    for (const u of request.updates) sent.push(u);
    return request.updates.map((u) => ({ id: u.id, status: 200 }));
  };
  return { sent, transport };
}

test('createFeedback returns at once; calls before load are replayed in order', async (t) => {
  const { sent, transport } = recordingTransport();
  const errors = [];
  const eventId = randomUUID();
  const feedback = createFeedback({ namespace: randomUUID(), transport, onError: (e) => errors.push(e) });
  t.after(() => feedback.close());
  assert.equal(feedback.client, undefined, 'nothing loaded synchronously');

  // Recorded: down after up ends as down only if replayed in order.
  assert.equal(feedback.rate(eventId, true), undefined);
  assert.equal(feedback.rate(eventId, false), undefined);
  assert.equal(feedback.enrichSpan({ eventId, feedback: { comment: 'first' } }), undefined);
  feedback.enrichSpan({ eventId, feedback: { comment: 'second' } });
  feedback.enrichSession({ feedback: { score: 4 } }); // waits for the session...
  feedback.setSession(SESSION); // ...given here, after it
  feedback.enrichSpan({ eventId: 'not-a-uuid', feedback: { rating: true } }); // refused at replay
  assert.equal(feedback.sessionId, SESSION, 'the session is known before the client loads');
  assert.equal(feedback.stats().queued, 7, 'seven recorded calls');

  const client = await feedback.ready;
  assert.equal(feedback.client, client);
  const report = await feedback.flush();
  assert.equal(report.delivered, 2, 'one merged update per target');
  const span = sent.find((u) => u.event_id === eventId);
  assert.deepEqual(span.feedback, { rating: false, rating_withdrawn: false, comment: 'second' });
  const session = sent.find((u) => u.event_id === SESSION);
  assert.deepEqual(session.feedback, { score: 4 });
  assert.equal(errors.length, 1, 'the refused call went to onError');
  assert.equal(errors[0].code, 'invalid_feedback');
  assert.match(errors[0].message, /eventId: must be a UUID/);
});

test('after load the handle calls through: receipts, and refusals still go to onError', async (t) => {
  const { transport } = recordingTransport();
  const feedback = createFeedback({ namespace: randomUUID(), transport });
  t.after(() => feedback.close());
  const errors = [];
  const off = feedback.onError((e) => errors.push(e));
  await feedback.ready;
  const eventId = randomUUID();
  const receipt = feedback.enrichSpan({ eventId, feedback: { rating: true } });
  assert.equal(receipt.eventId, eventId);
  assert.equal(feedback.enrichSpan({ eventId, feedback: { bad: null } }), undefined, 'no throw into the caller');
  assert.equal(errors[0].code, 'invalid_feedback');
  assert.equal(errors[0].error.errors[0].path, 'feedback.bad');
  off();
  feedback.enrichSpan({ eventId, feedback: { bad: NaN } });
  assert.equal(errors.length, 1, 'unsubscribed');
  assert.equal(feedback.pending().length, 1);
});

test('bad options: ready rejects, onError hears it, nothing is thrown or left unhandled', async () => {
  const errors = [];
  const feedback = createFeedback({ transport: 'pigeon', onError: (e) => errors.push(e) });
  feedback.enrichSpan({ eventId: randomUUID(), feedback: { rating: true } }); // first use starts the load
  await assert.rejects(feedback.ready, (e) => e.code === 'invalid_options');
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'invalid_options');
  assert.match(errors[0].message, /did not load.*pigeon/);
  // Bad options never load: later calls are not piled up in memory for a replay that cannot come.
  feedback.rate(randomUUID(), true);
  assert.equal(feedback.stats().queued, 0);
});

test('linkFromResponse before load ignores a non-UUID session_id in baggage and keeps the linked session', async (t) => {
  const { sent, transport } = recordingTransport();
  const errors = [];
  const feedback = createFeedback({ namespace: randomUUID(), transport, onError: (e) => errors.push(e) });
  t.after(() => feedback.close());
  assert.equal(feedback.linkFromResponse({ headers: new Headers({ baggage: `session_id=${SESSION}` }) }), SESSION);
  // Other middleware's session_id: not a UUID, so not ours.
  assert.equal(feedback.linkFromResponse({ headers: new Headers({ baggage: 'session_id=web-42' }) }), undefined);
  assert.equal(feedback.sessionId, SESSION);
  feedback.setSession('not-a-uuid'); // refused at replay (onError), never shown as the session
  assert.equal(feedback.sessionId, SESSION);
  feedback.enrichSession({ feedback: { comment: 'kept' } });
  const client = await feedback.ready;
  assert.equal(client.sessionId, SESSION);
  await feedback.flush();
  assert.deepEqual(sent.map((u) => u.event_id), [SESSION]);
});

test('linkFromResponse before load reads the headers now and returns the session', async (t) => {
  const { sent, transport } = recordingTransport();
  const feedback = createFeedback({ namespace: randomUUID(), transport });
  t.after(() => feedback.close());
  const headers = new Headers({ baggage: `session_id=${SESSION}`, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
  assert.equal(feedback.linkFromResponse({ headers }), SESSION);
  feedback.enrichSession({ feedback: { comment: 'session note' } });
  const client = await feedback.ready;
  assert.equal(client.sessionId, SESSION);
  assert.equal(client.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  await feedback.flush();
  assert.deepEqual(sent.map((u) => u.event_id), [SESSION]);
});

test('init() still resolves to a client (through the same lazy part)', async () => {
  const { transport } = recordingTransport();
  const client = await init({ namespace: randomUUID(), transport });
  assert.equal(typeof client.enrichSpan, 'function');
  await client.close();
});

test('the default entry keeps the client, core and delivery out of the first chunk (6 KB gzip goal)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-facade-size-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const app = join(dir, 'app.mjs');
  writeFileSync(app, `
    import { createFeedback } from 'trace-feedback';
    const feedback = createFeedback({ endpoint: '/feedback' });
    feedback.enrichSession({ feedback: { rating: true } });
  `);
  const r = await bundleApp(app, join(dir, 'out'), { withWasm: true });
  const js = r.files.filter((f) => !f.wasm);
  const upFront = js.filter((f) => f.initial).reduce((s, f) => s + f.gzip, 0);
  const total = r.files.reduce((s, f) => s + f.gzip, 0);
  t.diagnostic(`default entry: up front ${upFront} B gzip (JS), total ${total} B gzip (JS + wasm), ${js.length} JS chunks`);
  const initialInputs = js.filter((f) => f.initial).flatMap((f) => Object.keys(f.inputs));
  for (const heavy of ['dist/client.js', 'dist/trace_feedback_core.mjs', 'dist/core/loader.js', 'dist/capture/capture.js', 'dist/transport/honeyhive.js']) {
    assert.ok(!initialInputs.some((p) => p.endsWith(heavy)), `${heavy} is not in the first chunk`);
  }
  assert.ok(upFront <= 6 * 1024, `up-front JS is ${upFront} B gzip, over the 6 KB goal`);
});
