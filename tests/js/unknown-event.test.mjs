// Issue 10.3, client side: feedback that arrives before its span is
// ingested. A 404 / code unknown_event is retried (normal backoff) until
// delivery.unknownEventRetryMs after the first capture, then dead-lettered
// as unknown_event and reported. Real HTTP servers standing in for
// HoneyHive (direct transport) and for a proxy (per-update results).
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { init } from '../../dist/index.js';
import { until } from './until.mjs';

const fast = { retryBaseMs: 20, retryMaxDelayMs: 40, jitter: 0, flushIntervalMs: 5, maxAttempts: 100 };


/** A server whose events "exist" only `lagMs` after the first request for them. */
async function laggingServer(t, lagMs, answer) {
  const firstSeen = new Map();
  const hits = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => answer({ req, res, body: raw ? JSON.parse(raw) : undefined, hits, exists: (id) => {
      if (!firstSeen.has(id)) firstSeen.set(id, performance.now());
      return performance.now() - firstSeen.get(id) >= lagMs;
    } }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${server.address().port}`, hits };
}

const honeyhive = ({ req, res, hits, exists }) => {
  const id = req.url.split('/').pop();
  hits.push(id);
  res.writeHead(exists(id) ? 200 : 404, { 'content-type': 'application/json' });
  res.end('{}');
};

test('direct transport: 404 while the span is not ingested is retried, then delivered once', async (t) => {
  const server = await laggingServer(t, 300, honeyhive);
  const delivered = [];
  const errors = [];
  const client = await init({ namespace: randomUUID(), transport: 'honeyhive', apiKey: 'k', serverUrl: server.url, delivery: fast, onDelivered: (e) => delivered.push(e), onError: (e) => errors.push(e) });
  t.after(() => client.close());
  const eventId = randomUUID();
  client.enrichSpan({ eventId, feedback: { rating: true } });
  await until(() => delivered.length === 1, 'delivery after the lag');
  console.log(`  delivered after ${server.hits.length} requests (404 x ${server.hits.length - 1})`);
  assert.ok(server.hits.length >= 2);
  assert.deepEqual(errors, []);
});

test('past unknownEventRetryMs: dead-lettered as unknown_event with the cause', async (t) => {
  const server = await laggingServer(t, 1e9, honeyhive);
  const errors = [];
  const client = await init({ namespace: randomUUID(), transport: 'honeyhive', apiKey: 'k', serverUrl: server.url, delivery: { ...fast, unknownEventRetryMs: 250 }, onError: (e) => errors.push(e) });
  t.after(() => client.close());
  const eventId = randomUUID();
  client.enrichSpan({ eventId, feedback: { rating: true } });
  await until(() => errors.some((e) => e.updateId), 'a dead letter');
  const dead = errors.find((e) => e.updateId);
  console.log(`  ${dead.message}`);
  assert.equal(dead.code, 'unknown_event');
  assert.equal(dead.status, 404);
  assert.equal(dead.eventId, eventId);
  assert.ok(server.hits.length >= 2, 'retried inside the window');
  assert.equal(client.stats().inFlight + client.stats().queued, 0);
});

test('proxy transport: a per-update { status: 404, code: "unknown_event" } is retried; other updates of the batch are not held', async (t) => {
  const server = await laggingServer(t, 250, ({ res, body, exists }) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ results: body.updates.map((u) => (u.feedback.late && !exists(u.event_id) ? { id: u.id, status: 404, code: 'unknown_event' } : { id: u.id, status: 200 })) }));
  });
  const delivered = [];
  const errors = [];
  const client = await init({ namespace: randomUUID(), endpoint: `${server.url}/feedback`, delivery: fast, onDelivered: (e) => delivered.push(e), onError: (e) => errors.push(e) });
  t.after(() => client.close());
  const late = randomUUID();
  const known = randomUUID();
  client.enrichSpan({ eventId: late, feedback: { late: true } });
  client.enrichSpan({ eventId: known, feedback: { rating: true } });
  await until(() => delivered.some((d) => d.eventId === known), 'the known event');
  assert.equal(delivered.some((d) => d.eventId === late), false, 'the late one is still waiting');
  await until(() => delivered.some((d) => d.eventId === late), 'the late event after the lag');
  assert.deepEqual(errors, []);
});

test('a static 404 other than unknown_event is not special: with a window of 0 it is given up at once', async (t) => {
  const server = await laggingServer(t, 1e9, honeyhive);
  const errors = [];
  const client = await init({ namespace: randomUUID(), transport: 'honeyhive', apiKey: 'k', serverUrl: server.url, delivery: { ...fast, unknownEventRetryMs: 0 }, onError: (e) => errors.push(e) });
  t.after(() => client.close());
  client.enrichSpan({ eventId: randomUUID(), feedback: { rating: true } });
  await until(() => errors.some((e) => e.updateId), 'a dead letter');
  assert.equal(errors.find((e) => e.updateId).code, 'unknown_event');
  assert.equal(server.hits.length, 1);
});
