// The reference proxy (dist/server) against the real collector standing in
// for HoneyHive: merged results in SQLite, per-update results, ordering,
// idempotent retries, validation, limits, CORS, content types, legacy mode.
// Build first: npx tsc -p tsconfig.json

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { startProxyServer, createProxyHandler } from '../../dist/server/index.js';
import { startTempCollector, TEST_API_KEY } from '../../collector/testing.mjs';
import { getEvent, listRequests, listUpdates } from '../../collector/server.mjs';
import { validate } from '../../collector/validate.mjs';

/** @type {Awaited<ReturnType<typeof startTempCollector>>} */
let c;
/** @type {Awaited<ReturnType<typeof startProxyServer>>} */
let proxy;
/** @type {Array<[unknown, any]>} */
let errors = [];
const ORIGIN = 'https://app.example';

before(async () => {
  c = await startTempCollector();
  proxy = await startProxyServer({
    honeyhiveUrl: c.url, apiKey: TEST_API_KEY, allowedOrigins: [ORIGIN], concurrency: 4, timeoutMs: 2000,
    onError: (err, ctx) => errors.push([err, ctx]),
  });
});
after(async () => {
  await proxy.close();
  await c.dispose();
});
beforeEach(() => {
  c.faults.clear();
  errors = [];
});

/** Upstream PUTs the collector has seen since `since` (a request-log seq). */
const upstreamPuts = (since) => listRequests(c.db, { since, method: 'PUT' });
const mark = () => listRequests(c.db).at(-1)?.seq ?? 0;
let n = 0;
const uid = () => `u-${process.pid}-${++n}`;

/**
 * @param {unknown} body
 * @param {{ url?: string, headers?: Record<string, string>, raw?: boolean }} [opts]
 */
async function post(body, { url = `${proxy.url}/feedback`, headers = {}, raw = false } = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw ? /** @type {string} */ (body) : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status === 200) assert.ok(validate('FeedbackBatchResponse', json, 'feedback-batch').ok, 'response matches the wire schema');
  else assert.ok(validate('ErrorResponse', json, 'feedback-batch').ok, 'error matches the wire schema');
  return { status: res.status, headers: res.headers, json };
}

test('a batch over several events lands merged in SQLite, one result per update in order', async () => {
  const a = (await c.client.seedSession()).eventId;
  const b = (await c.client.seedSession()).eventId;
  const since = mark();
  const updates = [
    { id: uid(), event_id: a, feedback: { rating: 1, tags: ['x'] } },
    { id: uid(), event_id: b, feedback: { rating: -1 } },
    { id: uid(), event_id: a, feedback: { comment: 'good', tags: ['y'] } },
  ];
  const r = await post({ updates });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.results, updates.map((u) => ({ id: u.id, status: 200 })));
  assert.deepEqual(getEvent(c.db, a)?.feedback, { rating: 1, tags: ['y'], comment: 'good' });
  assert.deepEqual(getEvent(c.db, b)?.feedback, { rating: -1 });
  const puts = upstreamPuts(since);
  assert.equal(puts.length, 3);
  assert.ok(puts.every((p) => p.path.startsWith('/v1/events/')), 'v1 route by default');
});

test('partial failure: only the failed update reports the upstream status and Retry-After; a retry forwards only it', async () => {
  const ok = (await c.client.seedSession()).eventId;
  const bad = (await c.client.seedSession()).eventId;
  c.faults.add({ failNext: 1, status: 503, retryAfter: '3', eventId: bad });
  const updates = [
    { id: uid(), event_id: ok, feedback: { rating: 1 } },
    { id: uid(), event_id: bad, feedback: { rating: 1 } },
  ];
  const first = await post({ updates });
  assert.deepEqual(first.json.results[0], { id: updates[0].id, status: 200 });
  assert.equal(first.json.results[1].status, 503);
  assert.equal(first.json.results[1].retryAfter, '3');
  assert.equal(first.json.results[1].code, 'upstream_unavailable');
  assert.equal(first.json.results[1].error, undefined, 'no upstream text reaches the page');
  assert.equal(errors.length, 1, 'onError hears about the 5xx');
  assert.equal(errors[0][1].kind, 'upstream');

  const since = mark();
  const retry = await post({ updates });
  assert.deepEqual(retry.json.results, [
    { id: updates[0].id, status: 200, duplicate: true },
    { id: updates[1].id, status: 200 },
  ]);
  assert.deepEqual(upstreamPuts(since).map((p) => p.event_id), [bad], 'the applied update was not forwarded again');
  assert.deepEqual(getEvent(c.db, bad)?.feedback, { rating: 1 });
});

test('429 from upstream is passed through with its Retry-After (HTTP-date form)', async () => {
  const ev = (await c.client.seedSession()).eventId;
  const date = new Date(Date.now() + 60_000).toUTCString();
  c.faults.add({ failNext: 1, status: 429, retryAfter: date });
  const r = await post({ updates: [{ id: uid(), event_id: ev, feedback: { a: 1 } }] });
  assert.equal(r.json.results[0].status, 429);
  assert.equal(r.json.results[0].retryAfter, date);
});

test('updates to the same event are forwarded one at a time, in batch order', async () => {
  const ev = (await c.client.seedSession()).eventId;
  // Slow down the first one: with parallel forwarding the later ones would overtake it.
  c.faults.add({ delayMs: 150, delayNext: 1, eventId: ev });
  const updates = [1, 2, 3, 4].map((rating) => ({ id: uid(), event_id: ev, feedback: { rating } }));
  const r = await post({ updates });
  assert.deepEqual(r.json.results.map((/** @type {any} */ x) => x.status), [200, 200, 200, 200]);
  assert.deepEqual(listUpdates(c.db, ev).map((u) => u.body.feedback.rating), [1, 2, 3, 4]);
  assert.equal(getEvent(c.db, ev)?.feedback.rating, 4);
});

test('same-event order also holds across concurrent batches', async () => {
  const ev = (await c.client.seedSession()).eventId;
  c.faults.add({ delayMs: 150, delayNext: 1, eventId: ev });
  const first = post({ updates: [{ id: uid(), event_id: ev, feedback: { label: 'first' } }] });
  await new Promise((r) => setTimeout(r, 30));
  const second = post({ updates: [{ id: uid(), event_id: ev, feedback: { label: 'second' } }] });
  await Promise.all([first, second]);
  assert.deepEqual(listUpdates(c.db, ev).map((u) => u.body.feedback.label), ['first', 'second']);
});

test('after a retryable failure, later updates to that event wait for the retry (older feedback must not win)', async () => {
  const ev = (await c.client.seedSession()).eventId;
  const other = (await c.client.seedSession()).eventId;
  c.faults.add({ failNext: 1, status: 503, retryAfter: '1', eventId: ev });
  const since = mark();
  const updates = [
    { id: uid(), event_id: ev, feedback: { rating: 1 } },
    { id: uid(), event_id: ev, feedback: { rating: -1 } },
    { id: uid(), event_id: other, feedback: { rating: 1 } },
  ];
  const r = await post({ updates });
  assert.equal(r.json.results[0].status, 503);
  assert.equal(r.json.results[1].status, 503);
  assert.equal(r.json.results[1].retryAfter, '1');
  assert.equal(r.json.results[1].code, 'upstream_unavailable');
  assert.equal(r.json.results[2].status, 200, 'other events are unaffected');
  assert.equal(upstreamPuts(since).filter((p) => p.event_id === ev).length, 1);
  const retry = await post({ updates: updates.slice(0, 2) });
  assert.deepEqual(retry.json.results.map((/** @type {any} */ x) => x.status), [200, 200]);
  assert.equal(getEvent(c.db, ev)?.feedback.rating, -1);
});

test('a retry of an applied update id is answered from memory, not forwarded again', async () => {
  const ev = (await c.client.seedSession()).eventId;
  const update = { id: uid(), event_id: ev, feedback: { rating: 1 } };
  await post({ updates: [update] });
  // A later update, then the page retries the first one because its response was lost.
  await post({ updates: [{ id: uid(), event_id: ev, feedback: { rating: -1 } }] });
  const since = mark();
  const again = await post({ updates: [update, update] });
  assert.deepEqual(again.json.results, [
    { id: update.id, status: 200, duplicate: true },
    { id: update.id, status: 200, duplicate: true },
  ]);
  assert.equal(upstreamPuts(since).length, 0);
  assert.equal(getEvent(c.db, ev)?.feedback.rating, -1, 'the replay did not overwrite the newer feedback');
});

test('the same id twice in one batch is forwarded once', async () => {
  const ev = (await c.client.seedSession()).eventId;
  const update = { id: uid(), event_id: ev, feedback: { once: true } };
  const since = mark();
  const r = await post({ updates: [update, update] });
  assert.deepEqual(r.json.results.map((/** @type {any} */ x) => x.status), [200, 200]);
  assert.equal(upstreamPuts(since).length, 1);
});

test('a dropped connection is a retryable 502 and is not remembered as applied', async () => {
  const ev = (await c.client.seedSession()).eventId;
  c.faults.add({ dropNext: 1, eventId: ev });
  const update = { id: uid(), event_id: ev, feedback: { rating: 1 } };
  const r = await post({ updates: [update] });
  assert.equal(r.json.results[0].status, 502);
  assert.equal(errors[0][1].kind, 'network');
  const retry = await post({ updates: [update] });
  assert.deepEqual(retry.json.results[0], { id: update.id, status: 200 });
  assert.equal(getEvent(c.db, ev)?.feedback.rating, 1);
});

test('an upstream timeout is a 504 for that update', async () => {
  const ev = (await c.client.seedSession()).eventId;
  const quick = await startProxyServer({ honeyhiveUrl: c.url, apiKey: TEST_API_KEY, timeoutMs: 50 });
  try {
    c.faults.add({ delayMs: 300, delayNext: 1, eventId: ev });
    const r = await post({ updates: [{ id: uid(), event_id: ev, feedback: { slow: true } }] }, { url: `${quick.url}/feedback` });
    assert.equal(r.json.results[0].status, 504);
    assert.equal(r.json.results[0].code, 'upstream_timeout');
    // The abandoned PUT still reaches the collector's log later: let it land
    // here rather than inside a later test that counts PUTs.
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await quick.close();
  }
});

test('unreachable upstream: 502 per update', async () => {
  const dead = createServer();
  await new Promise((r) => dead.listen(0, '127.0.0.1', () => r(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (dead.address()).port;
  await new Promise((r) => dead.close(r));
  const p = await startProxyServer({ honeyhiveUrl: `http://127.0.0.1:${port}`, apiKey: 'k' });
  try {
    const r = await post({ updates: [{ id: uid(), event_id: randomUUID(), feedback: {} }] }, { url: `${p.url}/feedback` });
    assert.equal(r.json.results[0].status, 502);
  } finally {
    await p.close();
  }
});

test('HoneyHive refusing the server key becomes a retryable 502 and an onError, not a 401 to the page', async () => {
  const ev = (await c.client.seedSession()).eventId;
  /** @type {any[]} */
  const seen = [];
  const p = await startProxyServer({ honeyhiveUrl: c.url, apiKey: 'wrong-key', onError: (_e, ctx) => seen.push(ctx) });
  try {
    const r = await post({ updates: [{ id: uid(), event_id: ev, feedback: {} }] }, { url: `${p.url}/feedback` });
    assert.equal(r.json.results[0].status, 502);
    assert.equal(r.json.results[0].code, 'upstream_unavailable');
    assert.equal(r.json.results[0].error, undefined);
    assert.equal(seen[0].kind, 'credentials');
  } finally {
    await p.close();
  }
});

test('an unknown event: upstream 404 answers that update 404 unknown_event (the engine retries it in its settle window)', async () => {
  const r = await post({ updates: [{ id: uid(), event_id: randomUUID(), feedback: { a: 1 } }] });
  assert.deepEqual(r.json.results[0], { id: r.json.results[0].id, status: 404, code: 'unknown_event' });
});

test('invalid updates get 400 in their own result and nothing about them is forwarded', async () => {
  const ev = (await c.client.seedSession()).eventId;
  const since = mark();
  const r = await post({
    updates: [
      { id: 'a', event_id: '../../v1/sessions', feedback: { x: 1 } },
      { id: 'b', event_id: ev, feedback: 'five stars' },
      { id: 'c', event_id: ev, feedback: [1] },
      { id: '', event_id: ev, feedback: {} },
      { event_id: ev, feedback: {} },
      { id: 'x'.repeat(129), event_id: ev, feedback: {} },
      'not an object',
      { id: 'ok', event_id: ev, feedback: { fine: true } },
    ],
  });
  assert.equal(r.status, 200);
  const statuses = r.json.results.map((/** @type {any} */ x) => x.status);
  assert.deepEqual(statuses, [400, 400, 400, 400, 400, 400, 400, 200]);
  assert.ok(r.json.results.slice(0, 7).every((/** @type {any} */ x) => x.code === 'invalid_update'), 'code invalid_update');
  assert.equal(r.json.results[5].id, '', 'an over-long id is not echoed');
  assert.deepEqual(upstreamPuts(since).map((p) => p.event_id), [ev]);
});

test('whole-body problems: not JSON, no updates array, wrong content type, wrong method or path', async () => {
  const since = mark();
  let r = await post('{"updates": [', { raw: true });
  assert.equal(r.status, 400);
  assert.match(r.json.error, /not valid JSON/);
  r = await post({ events: [] });
  assert.equal(r.status, 400);
  assert.match(r.json.error, /updates must be an array/);
  r = await post([1, 2]);
  assert.equal(r.status, 400);
  r = await post({ updates: [], token: 5 });
  assert.equal(r.status, 400);
  r = await post({ updates: [] }, { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 415);
  const get = await fetch(`${proxy.url}/feedback`);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST, OPTIONS');
  const elsewhere = await fetch(`${proxy.url}/other`, { method: 'POST', body: '{}' });
  assert.equal(elsewhere.status, 404);
  assert.equal(upstreamPuts(since).length, 0);
});

test('413 for a body over maxBodyBytes (declared or streamed) and for too many updates', async () => {
  const small = await startProxyServer({ honeyhiveUrl: c.url, apiKey: TEST_API_KEY, maxBodyBytes: 1024, maxUpdatesPerBatch: 2 });
  try {
    const since = mark();
    const big = { updates: [{ id: 'big', event_id: randomUUID(), feedback: { text: 'x'.repeat(2000) } }] };
    const r = await post(big, { url: `${small.url}/feedback` });
    assert.equal(r.status, 413);
    // Chunked upload: no Content-Length to refuse on up front.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(400)));
        controller.close();
      },
    });
    const chunked = await fetch(`${small.url}/feedback`, { method: 'POST', body: stream, duplex: 'half', headers: { 'content-type': 'application/json' } });
    assert.equal(chunked.status, 413);
    const many = await post({ updates: [1, 2, 3].map((i) => ({ id: `m${i}`, event_id: randomUUID(), feedback: {} })) }, { url: `${small.url}/feedback` });
    assert.equal(many.status, 413);
    assert.match(many.json.error, /too many updates/);
    assert.equal(upstreamPuts(since).length, 0);
  } finally {
    await small.close();
  }
});

test('text/plain bodies (sendBeacon) are parsed as JSON', async () => {
  const ev = (await c.client.seedSession()).eventId;
  const r = await post({ updates: [{ id: uid(), event_id: ev, feedback: { via: 'beacon' } }] },
    { headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), ORIGIN);
  assert.equal(getEvent(c.db, ev)?.feedback.via, 'beacon');
});

test('CORS: preflight for allowed origins, refusal for others (even CORS-simple text/plain), same-origin passes', async () => {
  const pre = await fetch(`${proxy.url}/feedback`, {
    method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), ORIGIN);
  assert.match(pre.headers.get('access-control-allow-methods') ?? '', /POST/);
  assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Content-Type/i);

  const badPre = await fetch(`${proxy.url}/feedback`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(badPre.status, 403);
  assert.equal(badPre.headers.get('access-control-allow-origin'), null);

  const ev = (await c.client.seedSession()).eventId;
  const since = mark();
  const evil = await post({ updates: [{ id: uid(), event_id: ev, feedback: { forged: true } }] },
    { headers: { origin: 'https://evil.example', 'content-type': 'text/plain;charset=UTF-8' } });
  assert.equal(evil.status, 403);
  assert.equal(upstreamPuts(since).length, 0);
  assert.deepEqual(getEvent(c.db, ev)?.feedback, {});

  const host = new URL(proxy.url).host;
  const same = await post({ updates: [{ id: uid(), event_id: ev, feedback: { same: true } }] }, { headers: { origin: `http://${host}` } });
  assert.equal(same.status, 200);
  assert.equal(same.headers.get('access-control-allow-origin'), null, 'no CORS headers needed');
});

test('legacy mode forwards PUT /events with event_id in the body', async () => {
  const ev = (await c.client.seedSession()).eventId;
  const legacy = await startProxyServer({ honeyhiveUrl: `${c.url}/`, apiKey: TEST_API_KEY, legacy: true });
  try {
    const since = mark();
    const r = await post({ updates: [{ id: uid(), event_id: ev, feedback: { legacy: true } }] }, { url: `${legacy.url}/feedback` });
    assert.equal(r.json.results[0].status, 200);
    assert.deepEqual(upstreamPuts(since).map((p) => [p.path, p.event_id]), [['/events', ev]]);
    assert.equal(listUpdates(c.db, ev).at(-1)?.route, 'PUT /events');
    assert.equal(getEvent(c.db, ev)?.feedback.legacy, true);
  } finally {
    await legacy.close();
  }
});

test('authorize hook sees the batch (token) and can refuse it', async () => {
  const ev = (await c.client.seedSession()).eventId;
  /** @type {any[]} */
  const tokens = [];
  const guarded = await startProxyServer({
    honeyhiveUrl: c.url, apiKey: TEST_API_KEY,
    authorize: async (_req, batch) => {
      tokens.push(batch.token);
      return batch.token === 'good' ? { ok: true } : { ok: false, status: 401, error: 'bad token' };
    },
  });
  try {
    const since = mark();
    const no = await post({ updates: [{ id: uid(), event_id: ev, feedback: { a: 1 } }], token: 'bad' }, { url: `${guarded.url}/feedback` });
    assert.equal(no.status, 401);
    assert.equal(no.json.error, 'bad token');
    assert.equal(upstreamPuts(since).length, 0);
    const yes = await post({ updates: [{ id: uid(), event_id: ev, feedback: { a: 1 } }], token: 'good' }, { url: `${guarded.url}/feedback` });
    assert.equal(yes.json.results[0].status, 200);
    assert.deepEqual(tokens, ['bad', 'good']);
  } finally {
    await guarded.close();
  }
});

test('concurrency bounds upstream requests in flight', async () => {
  let inFlight = 0;
  let peak = 0;
  /** @type {typeof fetch} */
  const countingFetch = async (url, init) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    try {
      return await fetch(url, init);
    } finally {
      inFlight--;
    }
  };
  const bounded = await startProxyServer({ honeyhiveUrl: c.url, apiKey: TEST_API_KEY, concurrency: 2, fetch: countingFetch });
  try {
    const events = [];
    for (let i = 0; i < 6; i++) events.push((await c.client.seedSession()).eventId);
    c.faults.add({ delayMs: 40, delayNext: 6 });
    const r = await post({ updates: events.map((event_id) => ({ id: uid(), event_id, feedback: { n: 1 } })) }, { url: `${bounded.url}/feedback` });
    assert.ok(r.json.results.every((/** @type {any} */ x) => x.status === 200));
    assert.equal(peak, 2);
  } finally {
    await bounded.close();
  }
});

test('works as middleware: other paths go to next()', async () => {
  const handler = createProxyHandler({ honeyhiveUrl: c.url, apiKey: TEST_API_KEY, path: '/api/feedback' });
  const server = createServer((req, res) => handler(req, res, () => { res.writeHead(418).end(); }));
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
  try {
    assert.equal((await fetch(`${base}/elsewhere`)).status, 418);
    const ev = (await c.client.seedSession()).eventId;
    const r = await post({ updates: [{ id: uid(), event_id: ev, feedback: { mw: 1 } }] }, { url: `${base}/api/feedback?x=1` });
    assert.equal(r.json.results[0].status, 200);
  } finally {
    await new Promise((r) => { server.close(r); server.closeAllConnections(); });
  }
});

test('createProxyHandler refuses to start without an API key', () => {
  assert.throws(() => createProxyHandler(/** @type {any} */ ({})), /apiKey is required/);
});
