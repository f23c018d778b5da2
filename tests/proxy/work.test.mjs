// Bounded, fair upstream work: a cap on queued calls (503 overloaded +
// Retry-After beyond it), per-client concurrency, and a client that hangs up
// stops its work: waiting calls dropped; a PUT already on its way runs to its
// answer and is recorded, so the page's retry is a duplicate, not a second apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startProxyServer, mintFeedbackToken } from '../../dist/server/index.js';
import { startUpstream } from './upstream.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const batch = (n, prefix) => ({ updates: Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, event_id: randomUUID(), feedback: { rating: 1 } })) });
const post = (url, body, signal) =>
  fetch(`${url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });

test('30 abandoned batches of 100 updates: upstream work stops within 1 s of the hang-up', async () => {
  const up = await startUpstream({ delayMs: 500 });
  // The proxy's side of the truth: when each upstream call was made (the upstream, in this same busy process, hears late).
  const calls = [];
  const counted = (url, init) => (calls.push(Date.now()), fetch(url, init));
  const p = await startProxyServer({ apiKey: 'k', serverUrl: up.url, allowUnsigned: true, concurrency: 16, perClientConcurrency: 16, fetch: counted });
  // When the proxy itself saw each hang-up (its response closed unfinished).
  const hangups = [];
  let received = 0;
  p.server.on('request', (_req, res) => {
    received += 1;
    res.on('close', () => !res.writableFinished && hangups.push(Date.now()));
  });
  try {
    const controllers = Array.from({ length: 30 }, () => new AbortController());
    const sent = controllers.map((ac, i) => post(p.url, batch(100, `b${i}`), ac.signal).catch(() => 'aborted'));
    // Hang up once upstream work is under way (the first calls are running, most are queued).
    const t0 = Date.now();
    while (up.stats.started < 16 && Date.now() - t0 < 10_000) await sleep(10);
    assert.ok(up.stats.started > 0, 'work had started');
    const abortedAt = Date.now();
    for (const ac of controllers) ac.abort();
    assert.deepEqual(new Set(await Promise.all(sent)), new Set(['aborted']));
    // Wait until the proxy has seen every hang-up (on a loaded machine its event loop may lag the client).
    while (hangups.length < received && Date.now() - abortedAt < 10_000) await sleep(10);
    assert.equal(hangups.length, received, 'the proxy saw every hang-up');
    const seenAll = Math.max(...hangups);
    // Within 1 s of that: nothing in flight upstream; and no call at all made after it.
    while (up.stats.inFlight > 0 && Date.now() - seenAll < 1000) await sleep(10);
    const drainedAfter = Date.now() - seenAll;
    const startedAtStop = calls.length;
    await sleep(1000);
    const lastCall = Math.max(...calls) - abortedAt;
    console.log(`# 3000 updates abandoned in ${received} requests: ${calls.length} upstream calls made in all, the last ${lastCall} ms after the client hung up; the proxy saw the last hang-up after ${seenAll - abortedAt} ms and upstream was idle ${drainedAfter} ms later; ${up.stats.aborted} calls aborted in flight, ${up.stats.finished} completed`);
    assert.equal(calls.filter((t) => t > seenAll).length, 0, 'no upstream call made once the hang-ups were seen');
    assert.ok(drainedAfter < 1000, `upstream still busy ${drainedAfter} ms after the hang-ups`);
    assert.equal(up.stats.inFlight, 0);
    assert.equal(calls.length, startedAtStop, 'no upstream call made afterwards');
    assert.ok(startedAtStop < 3000 / 4, `only a fraction of the 3000 calls ran (${startedAtStop})`);
    assert.equal(p.server.listenerCount('request') > 0, true);
    assert.deepEqual(await (await post(p.url, batch(1, 'after'))).json().then((j) => j.results.map((r) => r.status)), [200], 'still serving');
  } finally {
    await p.close();
    await up.close();
  }
});

test('the queue is capped: updates beyond concurrency + maxQueuedCalls get 503 overloaded with Retry-After, none is lost silently', async () => {
  const up = await startUpstream({ delayMs: 100 });
  const p = await startProxyServer({ apiKey: 'k', serverUrl: up.url, allowUnsigned: true, concurrency: 2, perClientConcurrency: 2, maxQueuedCalls: 10 });
  try {
    const r = await (await post(p.url, batch(30, 'q'))).json();
    const ok = r.results.filter((x) => x.status === 200);
    const over = r.results.filter((x) => x.status === 503);
    assert.equal(ok.length, 12, '2 running + 10 queued');
    assert.equal(over.length, 18);
    assert.ok(over.every((x) => x.code === 'overloaded' && x.retryAfter === '1'));
    assert.equal(up.stats.started, 12);
  } finally {
    await p.close();
    await up.close();
  }
});

test('per-client concurrency: a client with 60 queued updates does not starve another', async () => {
  const up = await startUpstream({ delayMs: 100 });
  const secret = 'fairness-secret-fairness-secret-fairness!';
  const p = await startProxyServer({
    apiKey: 'k', serverUrl: up.url, concurrency: 4, perClientConcurrency: 2,
    feedbackTokens: { secret, allowUnlistedEvents: false },
  });
  try {
    const heavy = randomUUID();
    const light = randomUUID();
    const heavyEvents = Array.from({ length: 60 }, () => randomUUID());
    const heavyToken = mintFeedbackToken({ secret, sessionId: heavy, eventIds: heavyEvents });
    const lightToken = mintFeedbackToken({ secret, sessionId: light });
    const t0 = Date.now();
    const big = post(p.url, { token: heavyToken, updates: heavyEvents.map((e, i) => ({ id: `h-${i}`, event_id: e, feedback: { rating: 1 } })) });
    await sleep(50);
    const small = await (await post(p.url, { token: lightToken, updates: [{ id: 'l-1', event_id: light, feedback: { rating: 1 } }] })).json();
    const lightMs = Date.now() - t0;
    assert.equal(small.results[0].status, 200);
    const bigResults = (await (await big).json()).results;
    const heavyMs = Date.now() - t0;
    assert.ok(bigResults.every((x) => x.status === 200));
    assert.ok(up.stats.maxInFlight <= 4, `global cap held (${up.stats.maxInFlight})`);
    // 60 updates at 2 at a time and 100 ms each take ~3 s; the light client waits one call, not the queue.
    assert.ok(lightMs < 600, `light client answered after ${lightMs} ms (heavy took ${heavyMs} ms)`);
    assert.ok(heavyMs > 2500, `heavy client was held to its share (${heavyMs} ms)`);
  } finally {
    await p.close();
    await up.close();
  }
});

test('a hang-up while a PUT is in flight: the PUT completes and is recorded, the retry is a duplicate (applied once)', async () => {
  const up = await startUpstream({ delayMs: 400 });
  const p = await startProxyServer({ apiKey: 'k', serverUrl: up.url, allowUnsigned: true });
  try {
    const body = batch(1, 'inflight');
    const ac = new AbortController();
    const first = post(p.url, body, ac.signal).catch(() => 'aborted');
    while (up.stats.started === 0) await sleep(5);
    ac.abort(); // the page went away (reload, tab close, its own timeout) with the PUT upstream
    assert.equal(await first, 'aborted');
    while (up.stats.inFlight > 0) await sleep(10);
    const retry = await (await post(p.url, body)).json();
    assert.deepEqual(retry.results.map((r) => [r.status, r.duplicate === true]), [[200, true]], 'the retry is answered as a duplicate');
    assert.equal(up.stats.started, 1, 'upstream got the update once');
    assert.equal(up.stats.aborted, 0, 'the in-flight PUT was not cut off');
  } finally {
    await p.close();
    await up.close();
  }
});
