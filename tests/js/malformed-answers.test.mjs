// Issue 11.3: an answer that is not one well-formed result per update is a
// failed request for each update (retried, then dead-lettered with the
// cause). Before, the engine refused it, the client ignored the refusal,
// stats().inFlight stayed 1 and every later update to the event waited
// forever. Shown with a custom transport and with a real HTTP endpoint
// answering 200 with garbage, through the default proxy transport.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { init } from '../../dist/index.js';
import { until } from './until.mjs';

const fast = { retryBaseMs: 5, retryMaxDelayMs: 20, flushIntervalMs: 5, jitter: 0, maxAttempts: 2 };


// What a transport may hand back, given the request (most refer to its update).
const GARBAGE = {
  undefined: () => undefined,
  'a string': () => 'ok',
  'a number': () => 42,
  'an object': () => ({}),
  'results wrapper': () => ({ results: [] }),
  'empty array': () => [],
  'one too many': (r) => [{ id: r.updates[0].id, status: 200 }, { id: 'x', status: 200 }],
  'answered twice': (r) => [{ id: r.updates[0].id, status: 200 }, { id: r.updates[0].id, status: 200 }].slice(0, r.updates.length + 1),
  'unknown id': () => [{ id: 'someone-else', status: 200 }],
  'status 1000': (r) => [{ id: r.updates[0].id, status: 1000 }],
  'status -1': (r) => [{ id: r.updates[0].id, status: -1 }],
  'status 200.5': (r) => [{ id: r.updates[0].id, status: 200.5 }],
  'status "200"': (r) => [{ id: r.updates[0].id, status: '200' }],
  'status NaN': (r) => [{ id: r.updates[0].id, status: NaN }],
  'status 99': (r) => [{ id: r.updates[0].id, status: 99 }],
  'null item': () => [null],
  'array item': () => [[200]],
  'retryAfter an object': (r) => [{ id: r.updates[0].id, status: 503, retryAfter: {} }],
  'negative retryAfter': (r) => [{ id: r.updates[0].id, status: 503, retryAfter: -1 }],
  'code a number': (r) => [{ id: r.updates[0].id, status: 200, code: 7 }],
  // Not thenable (a `then` trap that throws makes the transport's promise reject instead).
  'throwing Proxy': () => new Proxy([], { get(target, key) { if (key === 'then') return undefined; throw new Error('trap'); } }),
  'id getter throws': () => [{ get id() { throw new Error('getter'); }, status: 200 }],
};

async function checkShape(t, name, answerFor, makeOptions) {
  const errors = [];
  let good = false;
  const options = makeOptions((request) => (good ? request.updates.map((u) => ({ id: u.id, status: 200 })) : answerFor(request)));
  const { cause: _cause, ...clientOptions } = options;
  const client = await init({ namespace: randomUUID(), delivery: fast, onError: (e) => errors.push(e), ...clientOptions });
  t.after(() => client.close());
  const eventId = randomUUID();
  client.enrichSpan({ eventId, feedback: { rating: true } });
  await until(() => errors.some((e) => e.code === 'max_attempts'), `${name}: dead letter`);
  const dead = errors.find((e) => e.code === 'max_attempts');
  assert.equal(dead.eventId, eventId, name);
  assert.match(dead.cause, options.cause ?? /^malformed answer: /, `${name}: cause kept (${dead.cause})`);
  assert.match(dead.message, /after 2 attempts/, name);
  assert.match(dead.message, /; last: /, name);
  const s = client.stats();
  assert.equal(s.inFlight, 0, `${name}: nothing left in flight`);
  assert.equal(s.queued, 0, name);
  assert.ok(s.retried >= 1, `${name}: retried before giving up`);
  await client.flush(); // resolves
  // A later update to the same event is not blocked.
  good = true;
  const delivered = [];
  client.onDelivered((e) => delivered.push(e));
  client.enrichSpan({ eventId, feedback: { rating: false } });
  const report = await client.flush();
  assert.equal(report.delivered, 1, `${name}: later update delivered`);
  assert.equal(delivered[0].eventId, eventId);
  return dead.cause;
}

test(`${Object.keys(GARBAGE).length} garbage answers from a custom transport: retried, dead-lettered with the cause, nothing wedged`, async (t) => {
  for (const [name, answerFor] of Object.entries(GARBAGE)) {
    const cause = await checkShape(t, name, answerFor, (answer) => ({ transport: async (request) => answer(request) }));
    console.log(`  ${name.padEnd(20)} -> ${cause}`);
  }
});

test('a transport that throws or rejects: a failed request with its message as the cause', async (t) => {
  for (const [name, fail] of [
    ['throws', () => { throw new Error('boom'); }],
    ['rejects', () => Promise.reject(new TypeError('nope'))],
  ]) {
    await checkShape(t, name, fail, (answer) => ({ cause: /^transport threw: (boom|nope)/, transport: (request) => answer(request) }));
  }
});

// A real endpoint answering 200 with garbage bodies, through proxyTransport.
const BODIES = {
  'not JSON': () => 'not json',
  'JSON null': () => 'null',
  'a bare array': () => '[]',
  'results an object': () => '{"results":{}}',
  'results empty': () => '{"results":[]}',
  'unknown id': () => '{"results":[{"id":"x","status":200}]}',
  'status 1000': (id) => JSON.stringify({ results: [{ id, status: 1000 }] }),
  'status -1': (id) => JSON.stringify({ results: [{ id, status: -1 }] }),
  'status 200.5': (id) => JSON.stringify({ results: [{ id, status: 200.5 }] }),
  'status "200"': (id) => JSON.stringify({ results: [{ id, status: '200' }] }),
  'null item': () => '{"results":[null]}',
  'two results': (id) => JSON.stringify({ results: [{ id, status: 200 }, { id, status: 200 }] }),
  'retryAfter an array': (id) => JSON.stringify({ results: [{ id, status: 503, retryAfter: [5] }] }),
  'empty body': () => '',
};

test(`${Object.keys(BODIES).length} garbage 200 bodies from a real HTTP endpoint: retried, dead-lettered with the cause`, async (t) => {
  let body = () => '';
  let good = false;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const updates = JSON.parse(raw).updates;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(good ? JSON.stringify({ results: updates.map((u) => ({ id: u.id, status: 200 })) }) : body(updates[0].id));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => server.close(r)));
  const endpoint = `http://127.0.0.1:${server.address().port}/feedback`;
  for (const [name, make] of Object.entries(BODIES)) {
    good = false;
    body = make;
    const errors = [];
    const client = await init({ namespace: randomUUID(), endpoint, delivery: fast, onError: (e) => errors.push(e) });
    const eventId = randomUUID();
    client.enrichSpan({ eventId, feedback: { rating: true } });
    await until(() => errors.some((e) => e.code === 'max_attempts'), `${name}: dead letter`);
    const dead = errors.find((e) => e.code === 'max_attempts');
    assert.match(dead.cause, /malformed answer|proxy answered 200 without/, `${name}: ${dead.cause}`);
    assert.equal(client.stats().inFlight, 0, name);
    good = true;
    client.enrichSpan({ eventId, feedback: { rating: false } });
    assert.equal((await client.flush()).delivered, 1, `${name}: later update delivered`);
    console.log(`  ${name.padEnd(20)} -> ${dead.cause}`);
    await client.close();
  }
});
