// Issues 11.9, 9.7, 9.8 (client side): a final error says what the last
// failure was (with the endpoint), "1 attempt" reads singular, session
// feedback left waiting produces one warning saying how to link it, and an
// expired feedback token is refreshed (a function) or reported as
// token_expired (a static one). Real HTTP servers on loopback.
import test, { mock } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { init } from '../../dist/index.js';
import { until } from './until.mjs';

const once = { retryBaseMs: 5, retryMaxDelayMs: 10, jitter: 0, flushIntervalMs: 5, maxAttempts: 1 };


async function serve(t, handler) {
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => handler(req, res, raw ? JSON.parse(raw) : undefined));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${server.address().port}/feedback`;
}

async function deadLetterOf(t, options) {
  const errors = [];
  const client = await init({ namespace: randomUUID(), delivery: once, onError: (e) => errors.push(e), ...options });
  t.after(() => client.close());
  client.enrichSpan({ eventId: randomUUID(), feedback: { rating: true } });
  await until(() => errors.some((e) => e.updateId), 'a dead letter');
  return { dead: errors.find((e) => e.updateId), errors, client };
}

test('a network error: the dead letter names it and the endpoint, "1 attempt" singular', async (t) => {
  // A port that was just free: connection refused.
  const server = http.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${server.address().port}/feedback`;
  await new Promise((r) => server.close(r));
  const { dead } = await deadLetterOf(t, { endpoint });
  console.log(`  ${dead.message}`);
  assert.equal(dead.code, 'max_attempts');
  assert.match(dead.cause, new RegExp(`^network error or timeout \\(POST ${endpoint.replace(/[.]/g, '\\.')}\\)`));
  assert.match(dead.message, /after 1 attempt, last status 0; last: network error or timeout \(POST http/);
  assert.doesNotMatch(dead.message, /1 attempts/);
});

test('a proxy that stalls: timeout with the endpoint; a 200 without JSON: said so', async (t) => {
  const stalled = await serve(t, () => {}); // never answers
  const { dead } = await deadLetterOf(t, { endpoint: stalled, delivery: { ...once, timeoutMs: 100 } });
  assert.match(dead.cause, /^network error or timeout \(POST http:\/\/127\.0\.0\.1:\d+\/feedback\): no answer within 100 ms/);
  const html = await serve(t, (req, res) => res.end('<html>hi</html>'));
  const r2 = await deadLetterOf(t, { endpoint: html });
  assert.equal(r2.dead.cause, 'proxy answered 200 without JSON results');
  const e503 = await serve(t, (req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'busy', code: 'overloaded' }));
  });
  const r3 = await deadLetterOf(t, { endpoint: e503 });
  assert.match(r3.dead.cause, /^proxy answered 503 overloaded \(POST /);
});

function tokenServer(t, valid) {
  const seen = [];
  return serve(t, (req, res, body) => {
    seen.push(body.token);
    if (body.token !== valid) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'token expired', code: 'token_expired' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ results: body.updates.map((u) => ({ id: u.id, status: 200 })) }));
  }).then((endpoint) => ({ endpoint, seen }));
}

test('401 token_expired with a token function: called again, the updates resent and delivered, no attempt burnt', async (t) => {
  const { endpoint, seen } = await tokenServer(t, 'fresh');
  let calls = 0;
  const delivered = [];
  const errors = [];
  const client = await init({
    namespace: randomUUID(),
    endpoint,
    token: () => (calls++ === 0 ? 'stale' : 'fresh'),
    delivery: { ...once, maxAttempts: 1 },
    onDelivered: (e) => delivered.push(e),
    onError: (e) => errors.push(e),
  });
  t.after(() => client.close());
  client.enrichSpan({ eventId: randomUUID(), feedback: { rating: true } });
  const report = await client.flush();
  assert.equal(report.delivered, 1, 'delivered with maxAttempts 1: the expired try did not count');
  assert.deepEqual(seen, ['stale', 'fresh']);
  assert.equal(calls, 2);
  assert.deepEqual(errors, []);
  assert.equal(client.stats().retried, 0);
});

test('an async token function works the same', async (t) => {
  const { endpoint, seen } = await tokenServer(t, 'fresh');
  let calls = 0;
  const client = await init({ namespace: randomUUID(), endpoint, token: async () => (calls++ === 0 ? 'stale' : 'fresh'), delivery: once });
  t.after(() => client.close());
  client.enrichSpan({ eventId: randomUUID(), feedback: { rating: true } });
  assert.equal((await client.flush()).delivered, 1);
  assert.deepEqual(seen, ['stale', 'fresh']);
});

test('401 token_expired with a static token: dead-lettered with code token_expired', async (t) => {
  const { endpoint } = await tokenServer(t, 'fresh');
  const { dead } = await deadLetterOf(t, { endpoint, token: 'stale', delivery: { ...once, maxAttempts: 5 } });
  assert.equal(dead.code, 'token_expired');
  assert.equal(dead.status, 401);
  assert.match(dead.message, /token_expired/);
});

test('a token function that keeps returning an expired token: retried by backoff, then given up with the cause', async (t) => {
  const { endpoint, seen } = await tokenServer(t, 'never');
  const { dead } = await deadLetterOf(t, { endpoint, token: () => 'stale', delivery: { ...once, maxAttempts: 2 } });
  assert.equal(dead.code, 'max_attempts');
  assert.match(dead.cause, /^token_expired: /);
  assert.equal(seen.length, 4, 'two attempts, each refreshed once');
});

test('session feedback waiting 10 s: one waiting_for_session warning saying how to link the session', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const errors = [];
  const client = await init({ namespace: randomUUID(), transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 200 })), onError: (e) => errors.push(e) });
  client.enrichSession({ feedback: { rating: true } });
  client.enrichSession({ feedback: { comment: 'x' } });
  mock.timers.tick(9999);
  assert.deepEqual(errors.map((e) => e.code), []);
  mock.timers.tick(1);
  assert.deepEqual(errors.map((e) => e.code), ['waiting_for_session']);
  assert.match(errors[0].message, /linkFromResponse/);
  assert.match(errors[0].message, /setSession/);
  client.enrichSession({ feedback: { score: 1 } });
  mock.timers.tick(20000);
  assert.equal(errors.length, 1, 'once per client');
  mock.timers.reset();
  await client.close();
});

test('no warning when the session arrives in time; with no onError it goes to the console', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const warn = mock.method(console, 'warn', () => {});
  t.after(() => warn.mock.restore());
  const a = await init({ namespace: randomUUID(), transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 200 })) });
  a.enrichSession({ feedback: { rating: true } });
  a.setSession(randomUUID());
  const b = await init({ namespace: randomUUID(), transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 200 })) });
  b.enrichSession({ feedback: { rating: true } });
  mock.timers.tick(10000);
  const lines = warn.mock.calls.map((c) => String(c.arguments[0])).filter((l) => /waited 10 s/.test(l));
  assert.equal(lines.length, 1, lines.join('\n'));
  mock.timers.reset();
  await Promise.all([a.close(), b.close()]);
});

test('debug: true logs with console.info (visible at Chrome default levels)', async (t) => {
  const info = mock.method(console, 'info', () => {});
  t.after(() => info.mock.restore());
  const client = await init({ namespace: randomUUID(), debug: true, transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 200 })) });
  client.enrichSpan({ eventId: randomUUID(), feedback: { rating: true } });
  await client.flush();
  await client.close();
  assert.ok(info.mock.calls.some((c) => /^\[trace-feedback\] queued/.test(String(c.arguments[0]))));
});
