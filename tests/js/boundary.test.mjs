// The one boundary (issue 12 item 2) against the built package: every core
// call goes through dist/core/boundary.js, the request body the transport
// sends is the core's text unchanged, custom transports still get
// `updates`, and refusals (validation and engine) are [{ path, code, message }].
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, loadCore, proxyTransport, FeedbackValidationError } from '../../dist/entry/full.js';
import { Core } from '../../dist/core/boundary.js';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const idle = { flushIntervalMs: 3600000, flushAtUpdates: 10000, flushAtBytes: 4000000 };

function jsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'browser') out.push(...jsFiles(path)); // browser/: one bundle of everything
    } else if (name.endsWith('.js')) out.push(path);
  }
  return out;
}

test('only core/boundary.js calls the raw wasm surface', () => {
  // diff_raw is the diff's own (its wrapper moves with the diff module).
  const raw = /\b(core_[A-Za-z]+|validate_raw|merge_raw|ClientCore_raw)\b/;
  const callers = jsFiles(dist)
    .filter((f) => raw.test(readFileSync(f, 'utf8')))
    .map((f) => f.slice(dist.length).replaceAll('\\', '/'));
  assert.deepEqual(callers, ['core/boundary.js']);
});

function recordingFetch(seen) {
  return async (url, init) => {
    seen.push({ url, body: init.body });
    const updates = JSON.parse(init.body).updates ?? [{ id: null }];
    return new Response(JSON.stringify({ results: updates.map((u) => ({ id: u.id, status: 200 })) }), { status: 200 });
  };
}

test('the proxy transport sends the body the core built, byte for byte', async (t) => {
  const seen = [];
  const requests = [];
  const inner = proxyTransport({ endpoint: 'http://127.0.0.1:9/feedback', fetch: recordingFetch(seen) });
  const client = await init({
    namespace: randomUUID(),
    delivery: idle,
    onError: () => {},
    transport: (request, options) => {
      requests.push(request);
      // The built-in transport must not even look at `updates` (no parse, no re-serialization).
      const probe = { id: request.id, bytes: request.bytes, body: request.body, get updates() { touched = true; return request.updates; } };
      return inner(probe, options);
    },
  });
  let touched = false;
  t.after(() => client.close());
  const a = randomUUID();
  const b = randomUUID();
  client.enrichSpan({ eventId: a, feedback: { rating: true, comment: 'tab\there, "quotes", é, \u2028' } });
  client.enrichSpan({ eventId: b, feedback: { score: 3, actions: { copied: true } } });
  const report = await client.flush();
  assert.equal(report.delivered, 2);
  assert.equal(requests.length, 1);
  assert.equal(seen.length, 1);
  const request = requests[0];
  assert.equal(typeof request.body, 'string');
  assert.equal(seen[0].body, request.body, 'sent unchanged');
  assert.equal(touched, false, 'updates never read by the proxy transport');
  // The same text today's JS serialization made, and its size is `bytes`.
  assert.equal(request.body, JSON.stringify({ updates: request.updates }));
  assert.equal(Buffer.byteLength(request.body), request.bytes);
  assert.deepEqual(JSON.parse(seen[0].body).updates.map((u) => u.event_id), [a, b]);
});

test('a token is added to the core text without re-serializing the batch', async (t) => {
  const seen = [];
  const client = await init({
    namespace: randomUUID(), delivery: idle, onError: () => {},
    endpoint: 'http://127.0.0.1:9/feedback', token: 'tok"en', fetch: recordingFetch(seen),
  });
  t.after(() => client.close());
  const eventId = randomUUID();
  client.enrichSpan({ eventId, feedback: { rating: false } });
  await client.flush();
  assert.equal(seen.length, 1);
  const body = JSON.parse(seen[0].body);
  assert.equal(body.token, 'tok"en');
  assert.deepEqual(body.updates.map((u) => [u.event_id, u.feedback]), [[eventId, { rating: false }]]);
});

test('a custom transport still gets updates (parsed on first access, also through a spread)', async (t) => {
  const got = [];
  const client = await init({
    namespace: randomUUID(), delivery: idle, onError: () => {},
    transport: async (request) => {
      got.push({ ...request });
      return request.updates.map((u) => ({ id: u.id, status: 200 }));
    },
  });
  t.after(() => client.close());
  const eventId = randomUUID();
  const receipt = client.enrichSpan({ eventId, feedback: { rating: true } });
  await client.flush();
  assert.equal(got.length, 1);
  assert.deepEqual(got[0].updates, [{ event_id: eventId, feedback: { rating: true }, id: receipt.updateId }]);
  assert.equal(typeof got[0].id, 'string');
  assert.equal(typeof got[0].bytes, 'number');
});

for (const legacy of [false, true]) {
  test(`the direct HoneyHive transport PUTs the per-update bodies the core built${legacy ? ' (legacy)' : ''}`, async (t) => {
    const seen = [];
    const client = await init({
      namespace: randomUUID(), delivery: idle, onError: () => {},
      transport: 'honeyhive', apiKey: 'k', serverUrl: 'http://127.0.0.1:9', legacy,
      fetch: async (url, init) => {
        seen.push([url, init.method, init.body]);
        return new Response('{}', { status: 200 });
      },
    });
    t.after(() => client.close());
    const a = randomUUID();
    const b = randomUUID();
    client.enrichSpan({ eventId: a, feedback: { rating: true } });
    client.enrichSpan({ eventId: b, feedback: { score: 2 } });
    const report = await client.flush();
    assert.equal(report.delivered, 2);
    const expected = [[a, { rating: true }], [b, { score: 2 }]].map(([id, feedback]) =>
      legacy
        ? ['http://127.0.0.1:9/events', 'PUT', JSON.stringify({ event_id: id, feedback })]
        : [`http://127.0.0.1:9/v1/events/${id}`, 'PUT', JSON.stringify({ feedback })],
    );
    const order = (rows) => rows.slice().sort((x, y) => x[2].localeCompare(y[2]) || x[0].localeCompare(y[0]));
    assert.deepEqual(order(seen), order(expected));
  });
}

test('bad feedback and engine refusals are FeedbackValidationError with [{ path, code, message }]', async (t) => {
  const client = await init({
    namespace: randomUUID(), onError: () => {}, limits: { scoreMax: 5 },
    delivery: { ...idle, maxQueueUpdates: 1 },
    transport: async (request) => request.updates.map((u) => ({ id: u.id, status: 503 })),
  });
  t.after(() => client.close());
  const bad = (() => {
    try {
      client.enrichSpan({ eventId: randomUUID(), feedback: { score: 9 } });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(bad instanceof FeedbackValidationError);
  assert.deepEqual(bad.errors.map((e) => [e.path, e.code]), [['feedback.score', 'out_of_range']]);
  client.enrichSpan({ eventId: randomUUID(), feedback: { rating: true } });
  const full = (() => {
    try {
      client.enrichSpan({ eventId: randomUUID(), feedback: { rating: true } });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(full instanceof FeedbackValidationError, 'queue_full is a validation error, nothing queued');
  assert.equal(full.errors.length, 1);
  assert.equal(full.errors[0].path, 'feedback');
  assert.equal(full.errors[0].code, 'queue_full');
  assert.match(full.errors[0].message, /^feedback: .*\(queue_full\)$/);
  assert.equal(client.stats().queued, 1);
});

test('the boundary yields one envelope for every call, engine refusals with a path', async () => {
  const module = await loadCore();
  const opened = Core.open(module, { delivery: { clientId: 'b', ...idle } });
  assert.equal(opened.ok, true);
  const core = opened.value;
  try {
    const bad = Core.open(module, { delivery: { maxAtempts: 2 } });
    assert.equal(bad.ok, false);
    assert.equal(bad.errors[0].path, 'options.delivery.maxAtempts');
    const refused = core.capture('not-a-uuid', '{"rating":true}', 1000);
    assert.equal(refused.ok, false);
    assert.deepEqual(refused.errors.map((e) => [e.path, e.code]), [['eventId', 'invalid_event_id']]);
    assert.match(refused.errors[0].message, /^eventId: .*\(invalid_event_id\)$/);
    const eventId = randomUUID();
    assert.deepEqual(core.capture(eventId, '{"rating":true}', 1000), {
      ok: true, value: { updateId: 'b-1', eventId, merged: false, waitingForSession: false },
    });
    assert.deepEqual(core.capture('', '{"rating":true}', 1000), {
      ok: true, value: { updateId: 'b-2', eventId: null, merged: false, waitingForSession: true },
    });
    const session = core.setSession('nope', 1000);
    assert.equal(session.ok, false);
    assert.deepEqual(session.errors.map((e) => [e.path, e.code]), [['sessionId', 'invalid_event_id']]);
    const ready = core.takeReady(1000, 'explicit');
    assert.equal(ready.ok, true);
    assert.equal(ready.value.length, 1);
    assert.deepEqual(ready.value[0].ids, ['b-1']);
    assert.deepEqual(ready.value[0].eventIds, [eventId]);
    assert.equal(ready.value[0].bodies.length, 1);
    // The proxy's answer text goes to the core as it came.
    const outcome = core.onResult(ready.value[0].id, JSON.stringify({ results: [{ id: 'b-1', status: 200 }] }), 1100);
    assert.deepEqual(outcome, { ok: true, value: { knownRequest: true, delivered: ['b-1'], retrying: [], deadLettered: [] } });
    const restore = core.restore('{', 1000);
    assert.equal(restore.ok, false);
    assert.deepEqual(restore.errors.map((e) => [e.path, e.code]), [['snapshot', 'invalid_json']]);
    assert.equal(core.snapshot().ok, true);
  } finally {
    core.free();
  }
  const freed = core.stats();
  assert.equal(freed.ok, false);
  assert.equal(freed.errors[0].code, 'closed');
});
