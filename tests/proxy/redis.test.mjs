// createRedisStore against a real redis-server (started here on a free port
// with a temp dir, stopped at the end): three proxy instances behind a
// round-robin balancer apply each update once and in order, share a rate
// limit, survive an instance dying mid-batch, and answer 503 + Retry-After
// while Redis is down, recovering when it is back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { startRedis } from './redis-server.mjs';
import { startCluster } from './cluster.mjs';
import { startProxyServer, createRedisStore } from '../../dist/server/index.js';
import { startTempCollector, TEST_API_KEY } from '../../collector/testing.mjs';
import { getEvent, listUpdates } from '../../collector/server.mjs';

let redis;
let c;
before(async () => {
  redis = await startRedis();
  c = await startTempCollector();
});
after(async () => {
  await redis?.dispose();
  await c?.dispose();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function post(url, body) {
  const res = await fetch(`${url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}
let n = 0;
const client = () => `tf${process.pid}x${++n}`;

test('retries that land on another instance are duplicates, applied once', async () => {
  const cl = await startCluster({ redisUrl: redis.url, serverUrl: c.url, apiKey: TEST_API_KEY });
  try {
    const { eventId } = await c.client.seedSession();
    const update = { id: `${client()}-1`, event_id: eventId, feedback: { rating: 1 } };
    const results = [];
    for (let i = 0; i < 3; i++) results.push((await post(cl.url, { updates: [update] })).json.results[0]);
    assert.deepEqual(new Set(cl.served.slice(-3)), new Set([0, 1, 2]), 'each instance got one');
    assert.deepEqual(results.map((r) => [r.status, !!r.duplicate]), [[200, false], [200, true], [200, true]]);
    assert.equal(listUpdates(c.db, eventId).length, 1, 'one PUT upstream');
  } finally {
    await cl.close();
  }
});

test('the same update sent to two instances at once is forwarded once', async () => {
  const cl = await startCluster({ redisUrl: redis.url, serverUrl: c.url, apiKey: TEST_API_KEY });
  try {
    const { eventId } = await c.client.seedSession();
    c.faults.add({ delayMs: 300, delayNext: 2, eventId });
    const update = { id: `${client()}-1`, event_id: eventId, feedback: { rating: 1 } };
    const [a, b] = await Promise.all([post(cl.url, { updates: [update] }), post(cl.url, { updates: [update] })]);
    const statuses = [a, b].map((r) => r.json.results[0]).sort((x, y) => x.status - y.status);
    assert.equal(statuses[0].status, 200);
    assert.deepEqual([statuses[1].status, statuses[1].code, statuses[1].retryAfter], [503, 'in_progress', '1'], 'the other is told to retry');
    assert.equal(listUpdates(c.db, eventId).length, 1);
    const retry = await post(cl.url, { updates: [update] });
    assert.deepEqual(retry.json.results[0], { id: update.id, status: 200, duplicate: true });
    assert.equal(listUpdates(c.db, eventId).length, 1);
  } finally {
    c.faults.clear();
    await cl.close();
  }
});

test('a late retry of an older update never overwrites a newer one (score 1, 5, then the stale 1)', async () => {
  const cl = await startCluster({ redisUrl: redis.url, serverUrl: c.url, apiKey: TEST_API_KEY });
  try {
    const { eventId } = await c.client.seedSession();
    const id = client();
    const older = { id: `${id}-7`, event_id: eventId, feedback: { score: 1 } };
    const newer = { id: `${id}-8`, event_id: eventId, feedback: { score: 5 } };
    // The older one fails upstream (its first attempt is lost), the page gives up on it
    // and sends the newer one; then a delayed copy of the older one turns up on another instance.
    c.faults.add({ failNext: 1, status: 503, eventId });
    assert.equal((await post(cl.url, { updates: [older] })).json.results[0].status, 503);
    assert.equal((await post(cl.url, { updates: [newer] })).json.results[0].status, 200);
    const stale = await post(cl.url, { updates: [older] });
    assert.deepEqual(stale.json.results[0], { id: older.id, status: 200, duplicate: true }, 'answered, not forwarded');
    assert.equal(getEvent(c.db, eventId).feedback.score, 5);
    assert.deepEqual(listUpdates(c.db, eventId).map((u) => u.body.feedback.score), [5]);
    // Another client (another tab) has its own order.
    const other = { id: `${client()}-1`, event_id: eventId, feedback: { score: 3 } };
    assert.equal((await post(cl.url, { updates: [other] })).json.results[0].status, 200);
    assert.equal(getEvent(c.db, eventId).feedback.score, 3);
  } finally {
    c.faults.clear();
    await cl.close();
  }
});

test('a rate limit of N updates per minute holds across the three instances', async () => {
  const cl = await startCluster({ redisUrl: redis.url, serverUrl: c.url, apiKey: TEST_API_KEY, proxy: { rateLimit: { perMinute: 5, requestsPerMinute: 100 } } });
  try {
    const { eventId } = await c.client.seedSession();
    const id = client();
    const out = [];
    for (let i = 1; i <= 9; i++) out.push(await post(cl.url, { updates: [{ id: `${id}-${i}`, event_id: eventId, feedback: { n: i } }] }));
    assert.equal(out.filter((r) => r.status === 200).length, 5);
    const refused = out.filter((r) => r.status === 429);
    assert.equal(refused.length, 4);
    assert.ok(refused.every((r) => r.json.code === 'rate_limited' && Number(r.headers.get('retry-after')) >= 1));
    assert.deepEqual(new Set(cl.served.slice(-9)), new Set([0, 1, 2]));
  } finally {
    await cl.close();
  }
});

test('killing one instance in the middle of a batch loses nothing: the retry lands elsewhere', async () => {
  const cl = await startCluster({ redisUrl: redis.url, serverUrl: c.url, apiKey: TEST_API_KEY });
  try {
    const events = [];
    for (let i = 0; i < 10; i++) events.push((await c.client.seedSession()).eventId);
    const id = client();
    const updates = events.map((e, i) => ({ id: `${id}-${i + 1}`, event_id: e, feedback: { rating: 1, i } }));
    // Some upstream calls are slow, so the batch is mid-way when its instance dies.
    for (const e of events.slice(5)) c.faults.add({ delayMs: 400, delayNext: 1, eventId: e });
    const victim = cl.served.length % 3;
    const first = post(cl.url, { updates });
    await sleep(150);
    await cl.kill(victim);
    const r1 = await first;
    assert.equal(r1.status, 502, 'the balancer saw the instance die');
    // The page retries the whole batch (its results never came).
    let r2;
    for (let attempt = 0; attempt < 10; attempt++) {
      r2 = await post(cl.url, { updates });
      if (r2.json.results.every((r) => r.status === 200)) break;
      await sleep(300);
    }
    assert.ok(r2.json.results.every((r) => r.status === 200), JSON.stringify(r2.json.results));
    for (const [i, e] of events.entries()) assert.deepEqual(getEvent(c.db, e).feedback, { rating: 1, i }, `event ${i} has its feedback`);
  } finally {
    c.faults.clear();
    await cl.close();
  }
});

test('Redis down: 503 store_unavailable + Retry-After (nothing forwarded); back up: delivered', async () => {
  const own = await startRedis();
  const store = createRedisStore({ url: own.url, commandTimeoutMs: 300, onError: () => {} });
  const p = await startProxyServer({ apiKey: TEST_API_KEY, serverUrl: c.url, allowUnsigned: true, store, rateLimit: { perMinute: 1000 } });
  let restarted;
  try {
    const { eventId } = await c.client.seedSession();
    const update = { id: `${client()}-1`, event_id: eventId, feedback: { rating: 1 } };
    await own.stop();
    const down = await post(p.url, { updates: [update] });
    assert.equal(down.status, 503);
    assert.equal(down.json.code, 'store_unavailable');
    assert.ok(Number(down.headers.get('retry-after')) >= 1);
    // Without a rate limit the store is first needed per update: the same answer, per update.
    const q = await startProxyServer({ apiKey: TEST_API_KEY, serverUrl: c.url, allowUnsigned: true, store });
    const perUpdate = await post(q.url, { updates: [update] });
    await q.close();
    assert.deepEqual(perUpdate.json.results[0], { id: update.id, status: 503, code: 'store_unavailable', retryAfter: '2' });
    assert.equal(listUpdates(c.db, eventId).length, 0, 'nothing forwarded while the store is down');
    restarted = await startRedis({ port: own.port, dir: own.dir });
    let back;
    const t0 = Date.now();
    do {
      await sleep(200);
      back = await post(p.url, { updates: [update] });
    } while (back.status !== 200 && Date.now() - t0 < 10_000);
    assert.equal(back.status, 200);
    assert.deepEqual(back.json.results[0], { id: update.id, status: 200 });
    console.log(`# recovered ${Date.now() - t0} ms after Redis came back`);
    assert.deepEqual(getEvent(c.db, eventId).feedback, { rating: 1 });
  } finally {
    await p.close();
    await store.close();
    await restarted?.stop();
    await own.dispose();
  }
});

test('the order hash of one event is capped in Redis too (a flood of made-up id prefixes is reset, not grown)', async () => {
  const redisClient = createClient({ url: redis.url });
  await redisClient.connect();
  const store = createRedisStore({ client: redisClient, prefix: `cap${process.pid}:`, maxStreamsPerEvent: 4 });
  const hlen = () => redisClient.sendCommand(['HLEN', `cap${process.pid}:ord:e1`]);
  try {
    for (let i = 0; i < 50; i++) {
      assert.equal(await store.advance('e1', `junk${i}`, '1'), true);
      assert.ok(Number(await hlen()) <= 4, 'never more than the cap');
    }
    for (let i = 0; i < 50; i++) {
      assert.notEqual(await store.claimInOrder(`k${i}`, 1000, undefined, { eventId: 'e1', stream: `more${i}`, seq: '1' }), 'stale');
      assert.ok(Number(await hlen()) <= 4, 'never more than the cap (claimInOrder)');
    }
    // Below the cap, order holds as before.
    assert.equal(await store.advance('e1', 'live', '5'), true);
    assert.equal(await store.advance('e1', 'live', '4'), false);
    assert.equal(await store.claimInOrder('old', 1000, undefined, { eventId: 'e1', stream: 'live', seq: '3' }), 'stale');
  } finally {
    await redisClient.quit();
  }
});
