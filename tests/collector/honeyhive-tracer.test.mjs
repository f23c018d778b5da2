// The official TypeScript SDK's tracer (HoneyHiveTracer from
// honeyhive@1.0.42: POST /session/start, then Traceloop's OpenTelemetry
// exporter to {serverUrl}/opentelemetry/v1/traces) against the collector:
// a traced function with enrichSpan({ feedback }) becomes a model event in
// the session, its feedback merges with the page's PUT, and enrichSession
// lands on the session. Its own file: the tracer registers OpenTelemetry
// globals once per process.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HoneyHiveTracer } from 'honeyhive';
import { startTempCollector, TEST_API_KEY } from '../../collector/testing.mjs';
import { getEvent, listEvents } from '../../collector/server.mjs';

/** @type {Awaited<ReturnType<typeof startTempCollector>>} */
let c;
before(async () => { c = await startTempCollector(); });
after(async () => { await c.dispose(); });

test('HoneyHiveTracer spans arrive by OTLP and merge with the page\'s feedback', async () => {
  const tracer = await HoneyHiveTracer.init({ apiKey: TEST_API_KEY, project: 'tracer-test', serverUrl: c.url, sessionName: 'ts tracer', source: 'test' });
  const sessionId = /** @type {string} */ (tracer.sessionId);
  assert.match(sessionId, /^[0-9a-f-]{36}$/, 'the tracer started its session through POST /session/start');

  const answer = tracer.traceFunction({ eventType: 'model', eventName: 'answer' })(function answer(/** @type {string} */ q) {
    tracer.enrichSpan({ feedback: { grounded: true, sources: ['wiki', 'atlas'] }, metadata: { q_len: q.length } });
    return 'Albany';
  });
  assert.equal(answer('capital of New York?'), 'Albany');
  await tracer.flush();

  const ev = await (async () => {
    for (let i = 0; i < 100; i++) {
      const found = listEvents(c.db, { session_id: sessionId }).find((e) => e.event_type === 'model');
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    return undefined;
  })();
  assert.ok(ev, 'the traced function is a model event in the tracer\'s session');
  const row = /** @type {any} */ (ev);
  assert.equal(row.event_name, 'answer');
  assert.equal(row.parent_id, sessionId);
  assert.deepEqual(row.inputs, { _params_: { q: 'capital of New York?' } });
  assert.deepEqual(row.outputs, { result: 'Albany' });
  assert.deepEqual(row.feedback, { grounded: true, sources: ['wiki', 'atlas'] }, 'lists flattened by index come back as arrays');
  assert.deepEqual(row.metadata, { q_len: 20 });

  // The page's rating through the route the proxy uses, and the session's through the SDK.
  assert.equal((await c.client.call('PUT', `/v1/events/${row.event_id}`, { feedback: { rating: true } })).status, 200);
  await tracer.enrichSession({ feedback: { resolved: true } });
  assert.deepEqual(getEvent(c.db, row.event_id)?.feedback, { grounded: true, sources: ['wiki', 'atlas'], rating: true });
  assert.deepEqual(getEvent(c.db, sessionId)?.feedback, { resolved: true });
  const paths = c.db.prepare('SELECT DISTINCT method || \' \' || path AS p FROM requests').all().map((/** @type {any} */ r) => r.p);
  assert.ok(paths.includes('POST /opentelemetry/v1/traces'), paths.join(', '));
});
