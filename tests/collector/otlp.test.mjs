// OTLP/HTTP ingestion over real HTTP into a real SQLite file: protobuf
// (protobufjs and the real OpenTelemetry exporter) and JSON, gzip or not;
// the mapping of HoneyHive's span attributes to sessions and events; the
// receiver's answers (partial success, Status bodies); and feedback from
// the span and from a PUT merging in either order.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID, createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { trace, context } from '@opentelemetry/api';
import { NodeTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
// The serializer the SDK's own OTLP/HTTP JSON exporter uses, at the version
// exporter-trace-otlp-proto depends on (the installed exporter-trace-otlp-http
// is an older, mismatched copy pulled in by another package).
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTempCollector, TEST_API_KEY } from '../../collector/testing.mjs';
import { getEvent } from '../../collector/server.mjs';
import { ExportResponse } from '../../collector/otlp/decode.mjs';
import { spanEventId, SPAN_EVENT_NAMESPACE, unflatten, mapSpan } from '../../collector/otlp/map.mjs';
import { jsonRequest, protobufRequest, hexId } from './otlp-helpers.mjs';
import protobuf from 'protobufjs';

/** @type {Awaited<ReturnType<typeof startTempCollector>>} */
let c;
before(async () => { c = await startTempCollector(); });
after(async () => { await c.dispose(); });

/**
 * @param {Uint8Array | string} body @param {'protobuf' | 'json'} format
 * @param {{ gzip?: boolean, headers?: Record<string, string> }} [opts]
 */
async function post(body, format, { gzip = false, headers = {} } = {}) {
  const raw = typeof body === 'string' ? Buffer.from(body) : body;
  const res = await fetch(`${c.url}/opentelemetry/v1/traces`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TEST_API_KEY}`,
      'content-type': format === 'json' ? 'application/json' : 'application/x-protobuf',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}), ...headers,
    },
    body: gzip ? gzipSync(raw) : raw,
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), bytes };
}

/** @param {Uint8Array} bytes */
const decodeAnswer = (bytes) => ExportResponse.toObject(ExportResponse.decode(bytes), { longs: Number });

test('a protobuf export becomes a session and an event with HoneyHive attributes unflattened', async () => {
  const sessionId = randomUUID();
  const traceId = hexId(16);
  const spanId = hexId(8);
  const r = await post(protobufRequest([{
    traceId, spanId, name: 'chat.answer', start: '1700000000000000000', end: '1700000000250500000',
    attributes: {
      'honeyhive.session_id': sessionId, 'honeyhive.session_name': 'support chat', 'honeyhive.project': 'demo',
      honeyhive_event_type: 'model', 'honeyhive_inputs.chat_history.0.role': 'user',
      'honeyhive_inputs.chat_history.0.content': 'hi', 'honeyhive_outputs.content': 'hello',
      'honeyhive_metadata.attempt': 2, 'honeyhive_metrics.latency.ms': 12.5, 'honeyhive_config.model': 'm1',
      'honeyhive_feedback.sources_cited': 3, 'honeyhive_feedback.grounded': true, honeyhive_user_id: 'u-7',
      'http.method': 'POST',
    },
  }]), 'protobuf');
  assert.equal(r.status, 200);
  assert.equal(r.type, 'application/x-protobuf');
  assert.deepEqual(decodeAnswer(r.bytes), {}, 'full success: no partial_success');

  const session = getEvent(c.db, sessionId);
  assert.ok(session, 'session event created for a session id seen first');
  assert.equal(session.event_type, 'session');
  assert.equal(session.event_name, 'support chat');
  assert.equal(session.parent_id, null);

  const ev = /** @type {any} */ (getEvent(c.db, spanEventId(traceId, spanId)));
  assert.ok(ev, 'event stored under the derived id');
  assert.equal(ev.session_id, sessionId);
  assert.equal(ev.parent_id, sessionId, 'a root span hangs under the session');
  assert.equal(ev.event_type, 'model');
  assert.equal(ev.event_name, 'chat.answer');
  assert.equal(ev.project, 'demo');
  assert.deepEqual(ev.inputs, { chat_history: [{ role: 'user', content: 'hi' }] });
  assert.deepEqual(ev.outputs, { content: 'hello' });
  assert.deepEqual(ev.metadata, { attempt: 2 });
  assert.deepEqual(ev.metrics, { latency: { ms: 12.5 } });
  assert.deepEqual(ev.config, { model: 'm1' });
  assert.deepEqual(ev.feedback, { sources_cited: 3, grounded: true });
  assert.deepEqual(ev.user_properties, { user_id: 'u-7' });
  assert.equal(ev.start_time, 1700000000000);
  assert.equal(ev.end_time, 1700000000251, 'end_time is an integer (the SDK schema says int)');
  assert.equal(ev.duration, 250.5);
});

test('the derived event id is the documented UUIDv5 of "<trace>-<span>", stable across re-exports', async () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const spanId = 'b7ad6b7169203331';
  // Computed here independently of map.mjs from the rule in collector/README.md.
  const h = createHash('sha1').update(Buffer.from(SPAN_EVENT_NAMESPACE.replace(/-/g, ''), 'hex')).update(`${traceId}-${spanId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  assert.equal(spanEventId(traceId, spanId), `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`);
  assert.match(spanEventId(traceId, spanId), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(spanEventId(traceId.toUpperCase(), spanId), spanEventId(traceId, spanId));

  const sessionId = randomUUID();
  const spec = { traceId, spanId, attributes: { 'honeyhive.session_id': sessionId, 'honeyhive_feedback.a': 1 } };
  assert.equal((await post(protobufRequest([spec]), 'protobuf')).status, 200);
  assert.equal((await post(protobufRequest([{ ...spec, attributes: { ...spec.attributes, 'honeyhive_feedback.b': 2 } }]), 'protobuf')).status, 200);
  const rows = c.db.prepare('SELECT event_id FROM events WHERE session_id = ?').all(sessionId);
  assert.equal(rows.length, 2, 'one session and one event, not two events');
  assert.deepEqual(getEvent(c.db, spanEventId(traceId, spanId))?.feedback, { a: 1, b: 2 });
});

test('JSON (hex ids, int64 as strings), gzip: parent from the parent span, explicit honeyhive_event_id, session from traceloop', async () => {
  const sessionId = randomUUID();
  const traceId = hexId(16);
  const rootSpan = hexId(8);
  const childSpan = hexId(8);
  const grandchild = hexId(8);
  const answerId = randomUUID();
  // Children end (and are exported) before their parent: the child names the
  // parent before the parent, with its explicit event id, is known.
  const first = jsonRequest([
    { traceId, spanId: grandchild, parentSpanId: childSpan, name: 'retrieve', attributes: { 'traceloop.association.properties.session_id': sessionId } },
  ]);
  const r1 = await post(JSON.stringify(first), 'json', { gzip: true });
  assert.equal(r1.status, 200);
  assert.equal(r1.type, 'application/json');
  assert.deepEqual(JSON.parse(Buffer.from(r1.bytes).toString()), {});
  const second = jsonRequest([
    { traceId, spanId: childSpan, parentSpanId: rootSpan, name: 'answer', attributes: { honeyhive_session_id: sessionId, honeyhive_event_id: answerId, honeyhive_event_name: 'chat.answer', 'gen_ai.system': 'openai' } },
    { traceId, spanId: rootSpan, name: 'POST /api/chat', attributes: { 'honeyhive.session_id': sessionId }, status: { code: 2, message: 'boom' } },
  ]);
  // int64 written as numbers is legal in the JSON mapping too.
  for (const s of second.resourceSpans[0].scopeSpans[0].spans) /** @type {any} */ (s).startTimeUnixNano = 1700000000000000000;
  const r2 = await post(JSON.stringify(second), 'json');
  assert.equal(r2.status, 200);

  const answer = /** @type {any} */ (getEvent(c.db, answerId));
  assert.ok(answer, 'explicit honeyhive_event_id used as the event id');
  assert.equal(answer.event_name, 'chat.answer');
  assert.equal(answer.event_type, 'model', 'gen_ai.* marks an LLM span');
  assert.equal(answer.parent_id, spanEventId(traceId, rootSpan));
  const root = /** @type {any} */ (getEvent(c.db, spanEventId(traceId, rootSpan)));
  assert.equal(root.parent_id, sessionId);
  assert.equal(root.error, 'boom', 'status ERROR becomes the event error');
  assert.equal(root.event_type, 'tool');
  const leaf = /** @type {any} */ (getEvent(c.db, spanEventId(traceId, grandchild)));
  assert.equal(leaf.session_id, sessionId);
  assert.equal(leaf.parent_id, answerId, 'the child that came first is re-pointed at the explicit event id');
});

test('spans that cannot be mapped are rejected with a partial_success count and reason; the rest is kept', async () => {
  const sessionId = randomUUID();
  const good = { traceId: hexId(16), spanId: hexId(8), attributes: { 'honeyhive.session_id': sessionId } };
  const badSession = { traceId: hexId(16), spanId: hexId(8), attributes: { 'honeyhive.session_id': 'not-a-uuid' } };
  const badEventId = { traceId: hexId(16), spanId: hexId(8), attributes: { 'honeyhive.session_id': sessionId, honeyhive_event_id: 42 } };
  const pb = await post(protobufRequest([good, badSession, badEventId]), 'protobuf');
  assert.equal(pb.status, 200);
  const answer = decodeAnswer(pb.bytes);
  assert.equal(answer.partialSuccess.rejectedSpans, 2);
  assert.match(answer.partialSuccess.errorMessage, /honeyhive\.session_id must be a UUID, got "not-a-uuid"/);
  assert.match(answer.partialSuccess.errorMessage, /honeyhive_event_id must be a UUID, got 42/);
  assert.ok(getEvent(c.db, spanEventId(good.traceId, good.spanId)));

  const badIds = jsonRequest([{ traceId: 'abc', spanId: hexId(8) }, { traceId: hexId(16), spanId: '0000000000000000' }]);
  const js = await post(JSON.stringify(badIds), 'json');
  assert.equal(js.status, 200);
  const j = JSON.parse(Buffer.from(js.bytes).toString());
  assert.equal(j.partialSuccess.rejectedSpans, '2', 'int64 as a string in the JSON mapping');
  assert.match(j.partialSuccess.errorMessage, /traceId must be 16 bytes/);
  assert.match(j.partialSuccess.errorMessage, /spanId must not be all zeros/);
});

test('a span without a HoneyHive session id gets its trace as its session', async () => {
  const traceId = hexId(16);
  const spanId = hexId(8);
  assert.equal((await post(protobufRequest([{ traceId, spanId }]), 'protobuf')).status, 200);
  const sessionId = `${traceId.slice(0, 8)}-${traceId.slice(8, 12)}-${traceId.slice(12, 16)}-${traceId.slice(16, 20)}-${traceId.slice(20)}`;
  assert.equal(getEvent(c.db, spanEventId(traceId, spanId))?.session_id, sessionId);
  assert.equal(getEvent(c.db, sessionId)?.event_type, 'session');
});

test('receiver errors: 401, 415, 400 and 413 with google.rpc.Status bodies in the request encoding', async () => {
  const Status = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));
  new protobuf.Root().add(Status);
  const noAuth = await fetch(`${c.url}/opentelemetry/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: protobufRequest([]) });
  assert.equal(noAuth.status, 401);
  assert.equal(/** @type {any} */ (Status.decode(new Uint8Array(await noAuth.arrayBuffer()))).code, 16);

  const text = await post('hello', 'protobuf', { headers: { 'content-type': 'text/plain' } });
  assert.equal(text.status, 415);

  const garbage = await post(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]), 'protobuf');
  assert.equal(garbage.status, 400);
  const st = /** @type {any} */ (Status.decode(garbage.bytes));
  assert.equal(st.code, 3);
  assert.match(st.message, /not an OTLP ExportTraceServiceRequest \(protobuf\)/);

  const badJson = await post('{"resourceSpans": [', 'json');
  assert.equal(badJson.status, 400);
  assert.equal(JSON.parse(Buffer.from(badJson.bytes).toString()).code, 3);

  const notGzip = await post('{}', 'json', { headers: { 'content-encoding': 'gzip' } });
  assert.equal(notGzip.status, 400);

  // A 40 kB gzip that would inflate past the 5 MB body limit.
  const bomb = await post(Buffer.alloc(6 * 1024 * 1024, 0x20), 'json', { gzip: true });
  assert.equal(bomb.status, 413);

  const logged = c.db.prepare("SELECT status FROM requests WHERE path = '/opentelemetry/v1/traces' ORDER BY seq").all().map((/** @type {any} */ r) => r.status);
  for (const s of [401, 415, 400, 413]) assert.ok(logged.includes(s), `request log has ${s}`);
});

test('backend feedback on the span and the page\'s PUT merge: span first', async () => {
  const sessionId = randomUUID();
  const eventId = randomUUID();
  const spec = { traceId: hexId(16), spanId: hexId(8), attributes: { 'honeyhive.session_id': sessionId, honeyhive_event_id: eventId, 'honeyhive_feedback.backend.sources': 2, 'honeyhive_feedback.rating': false } };
  assert.equal((await post(protobufRequest([spec]), 'protobuf')).status, 200);
  const put = await c.client.call('PUT', `/v1/events/${eventId}`, { feedback: { rating: true, comment: 'ok' } });
  assert.equal(put.status, 200);
  assert.deepEqual(getEvent(c.db, eventId)?.feedback, { backend: { sources: 2 }, rating: true, comment: 'ok' });
});

test('backend feedback on the span and the page\'s PUT merge: PUT first (collector with autoCreateEvents)', async () => {
  const auto = await startTempCollector({ autoCreateEvents: true });
  try {
    const sessionId = randomUUID();
    const eventId = randomUUID();
    const put = await auto.client.call('PUT', `/v1/events/${eventId}`, { feedback: { rating: true } });
    assert.equal(put.status, 200);
    const body = protobufRequest([{ traceId: hexId(16), spanId: hexId(8), name: 'answer', attributes: { 'honeyhive.session_id': sessionId, honeyhive_event_id: eventId, 'honeyhive_feedback.backend.sources': 2, 'honeyhive_feedback.rating': false, 'honeyhive_outputs.content': 'a' } }]);
    const res = await fetch(`${auto.url}/opentelemetry/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/x-protobuf' }, body });
    assert.equal(res.status, 200);
    const ev = /** @type {any} */ (getEvent(auto.db, eventId));
    assert.deepEqual(ev.feedback, { backend: { sources: 2 }, rating: true }, 'the page\'s later rating wins the conflict');
    assert.equal(ev.session_id, sessionId);
    assert.equal(ev.event_name, 'answer');
    assert.deepEqual(ev.outputs, { content: 'a' });
  } finally {
    await auto.dispose();
  }
});

test('the real OTLP proto exporter (sdk-trace-node, BatchSpanProcessor, gzip) lands on the collector', async () => {
  const sessionId = randomUUID();
  const eventId = randomUUID();
  const exporter = new OTLPTraceExporter({
    url: `${c.url}/opentelemetry/v1/traces`, headers: { authorization: `Bearer ${TEST_API_KEY}`, 'x-project': 'exporter-test' }, compression: /** @type {any} */ ('gzip'),
  });
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  const tracer = provider.getTracer('otlp-test');
  /** @type {string} */
  let traceId = '';
  tracer.startActiveSpan('request', (parent) => {
    traceId = parent.spanContext().traceId;
    parent.setAttribute('honeyhive.session_id', sessionId);
    const child = tracer.startSpan('chat.answer', {}, trace.setSpan(context.active(), parent));
    child.setAttributes({ 'honeyhive.session_id': sessionId, honeyhive_event_id: eventId, 'honeyhive_feedback.model_confidence': 0.8, 'honeyhive_outputs.content': 'Albany' });
    child.end();
    parent.end();
  });
  await provider.forceFlush();
  await provider.shutdown();
  const ev = /** @type {any} */ (getEvent(c.db, eventId));
  assert.ok(ev, 'the exported answer span is an event');
  assert.equal(ev.project, 'exporter-test', 'x-project header as the project');
  assert.deepEqual(ev.feedback, { model_confidence: 0.8 });
  assert.deepEqual(ev.outputs, { content: 'Albany' });
  const parentRow = c.db.prepare('SELECT event_id FROM spans WHERE trace_id = ? AND event_id = ?').get(traceId, ev.parent_id);
  assert.ok(parentRow, 'parent is the request span of the same trace');
  assert.equal(getEvent(c.db, ev.parent_id)?.parent_id, sessionId);
});

test('spans serialised by the OpenTelemetry SDK\'s OTLP JSON serializer land on the collector too', async () => {
  const eventId = randomUUID();
  const sessionId = randomUUID();
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const span = provider.getTracer('otlp-json-test').startSpan('tool.call');
  span.setAttributes({ honeyhive_session_id: sessionId, honeyhive_event_id: eventId, honeyhive_event_type: 'tool', 'honeyhive_feedback.tags': ['fast', 'right'], 'honeyhive_metrics.tokens': 12 });
  span.end();
  await provider.forceFlush();
  const body = /** @type {Uint8Array} */ (JsonTraceSerializer.serializeRequest(memory.getFinishedSpans()));
  await provider.shutdown();
  const r = await post(body, 'json');
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(Buffer.from(r.bytes).toString()), {});
  const ev = /** @type {any} */ (getEvent(c.db, eventId));
  assert.ok(ev, 'exported as JSON and stored');
  assert.equal(ev.event_type, 'tool');
  assert.deepEqual(ev.feedback, { tags: ['fast', 'right'] }, 'an array-valued attribute stays an array');
  assert.deepEqual(ev.metrics, { tokens: 12 });
  assert.equal(ev.session_id, sessionId);
  const types = c.db.prepare("SELECT COUNT(*) AS n FROM requests WHERE path = '/opentelemetry/v1/traces' AND status = 200").get();
  assert.ok(/** @type {any} */ (types).n >= 1);
});

test('unflatten: arrays by index, leaf-and-prefix clashes keep both, prototype keys ignored', () => {
  assert.deepEqual(unflatten([['a.0', 'x'], ['a.1', 'y']]), { a: ['x', 'y'] });
  assert.deepEqual(unflatten([['a.1', 'y']]), { a: { 1: 'y' } }, 'not 0..n-1: stays an object');
  assert.deepEqual(unflatten([['a', 1], ['a.b', 2]]), { a: { '': 1, b: 2 } });
  assert.deepEqual(unflatten([['a.b', 2], ['a', 1]]), { a: { '': 1, b: 2 } });
  assert.deepEqual(unflatten([['__proto__.x', 1], ['ok', true]]), { ok: true });
  assert.equal(/** @type {any} */ ({}).x, undefined);
});

test('mapSpan: explicit parent, resource and header defaults, an event id equal to its session refused', () => {
  const base = { traceId: hexId(16), spanId: hexId(8), parentSpanId: '', name: 'n', kind: 1, startNs: 1_700_000_000_000_000_000n, endNs: 1_700_000_000_001_000_000n, status: { code: 0, message: '' } };
  const sessionId = randomUUID();
  const parent = randomUUID();
  const m = mapSpan({ ...base, attributes: { 'honeyhive.session_id': sessionId.toUpperCase(), 'honeyhive.parent_id': parent }, resource: { 'honeyhive.project': 'from-resource' } }, { project: 'from-header', source: 'hdr' });
  assert.ok(m.ok);
  assert.equal(m.value.event.session_id, sessionId, 'ids are stored lowercase');
  assert.equal(m.value.parentEventId, parent);
  assert.equal(m.value.event.project, 'from-resource', 'a resource attribute beats the x-project header');
  assert.equal(m.value.event.source, 'hdr');
  assert.equal(m.value.event.duration, 1);
  const same = mapSpan({ ...base, attributes: { 'honeyhive.session_id': sessionId, honeyhive_event_id: sessionId }, resource: {} });
  assert.equal(same.ok, false);
  assert.match(/** @type {any} */ (same).reason, /must differ from the session id/);
  const typed = mapSpan({ ...base, attributes: { honeyhive_event_type: 'chain' }, resource: {} });
  assert.equal(typed.ok && typed.value.event.event_type, 'chain');
  const bogus = mapSpan({ ...base, attributes: { honeyhive_event_type: 'session' }, resource: {} });
  assert.equal(bogus.ok && bogus.value.event.event_type, 'tool', 'a span cannot make itself a session');
});

test('JSON with proto field names (snake_case) and enum names is read too, also at /v1/traces', async () => {
  const eventId = randomUUID();
  const body = {
    resource_spans: [{
      scope_spans: [{
        spans: [{
          trace_id: hexId(16), span_id: hexId(8), name: 'snake', kind: 'SPAN_KIND_CLIENT',
          start_time_unix_nano: '1700000000000000000', end_time_unix_nano: '1700000000002000000',
          status: { code: 'STATUS_CODE_ERROR', message: 'upstream 502' },
          attributes: [{ key: 'honeyhive_event_id', value: { string_value: eventId } }, { key: 'honeyhive_metrics.n', value: { int_value: '9007199254740993' } }],
        }],
      }],
    }],
  };
  const res = await fetch(`${c.url}/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {});
  const ev = /** @type {any} */ (getEvent(c.db, eventId));
  assert.equal(ev.error, 'upstream 502');
  assert.equal(ev.duration, 2);
  assert.deepEqual(ev.metrics, { n: '9007199254740993' }, 'an int64 past 2^53 is kept exact, as a string');
});

test('children_ids and the session duration are derived from the spans, whatever the export order', async () => {
  const sessionId = randomUUID();
  const traceId = hexId(16);
  const root = hexId(8);
  const [a, b] = [hexId(8), hexId(8)];
  const attrs = { 'honeyhive.session_id': sessionId };
  // The children first (as a batch span processor may export them), the root later.
  assert.equal((await post(protobufRequest([
    { traceId, spanId: b, parentSpanId: root, name: 'tool', start: '1700000000300000000', end: '1700000000900000000', attributes: attrs },
    { traceId, spanId: a, parentSpanId: root, name: 'llm', start: '1700000000100000000', end: '1700000000200000000', attributes: attrs },
  ]), 'protobuf')).status, 200);
  assert.equal((await post(protobufRequest([
    { traceId, spanId: root, name: 'chain', start: '1700000000000000000', end: '1700000001000000000', attributes: attrs },
  ]), 'protobuf')).status, 200);

  const rootId = spanEventId(traceId, root);
  const root_ = /** @type {any} */ (getEvent(c.db, rootId));
  assert.deepEqual(root_.children_ids, [spanEventId(traceId, a), spanEventId(traceId, b)], 'children in start order');
  assert.deepEqual(/** @type {any} */ (getEvent(c.db, spanEventId(traceId, a))).children_ids, []);
  const session = /** @type {any} */ (getEvent(c.db, sessionId));
  assert.deepEqual(session.children_ids, [rootId], 'the root span hangs under the session');
  assert.equal(session.start_time, 1700000000000);
  assert.equal(session.end_time, 1700000001000);
  assert.equal(session.duration, 1000, 'first start to last end, in ms');
});
