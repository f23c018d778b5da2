// Issue 11.4, 11.5, 11.1 against the built package: the client's own
// timeout around every transport call, a monotonic clock for the engine
// (wall-clock steps neither delay retries nor expire the queue), and
// per-client entropy so clients that failed together retry apart.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { init } from '../../dist/index.js';
import { until } from './until.mjs';


test('a custom transport that never settles: timed out by delivery.timeoutMs, retried, dead-lettered; flush() returns', async (t) => {
  const errors = [];
  let calls = 0;
  const client = await init({
    namespace: randomUUID(),
    transport: () => {
      calls++;
      return new Promise(() => {}); // never
    },
    delivery: { timeoutMs: 100, retryBaseMs: 5, retryMaxDelayMs: 10, jitter: 0, maxAttempts: 2, flushIntervalMs: 5 },
    onError: (e) => errors.push(e),
  });
  t.after(() => client.close());
  const eventId = randomUUID();
  client.enrichSpan({ eventId, feedback: { rating: true } });
  const started = performance.now();
  const report = await client.flush();
  console.log(`  flush() returned after ${Math.round(performance.now() - started)} ms (timeoutMs 100)`);
  assert.equal(report.delivered, 0);
  await until(() => errors.some((e) => e.code === 'max_attempts'), 'dead letter');
  const dead = errors.find((e) => e.code === 'max_attempts');
  assert.match(dead.cause, /transport timeout: no answer within 100 ms/);
  assert.equal(calls, 2);
  assert.equal(client.stats().inFlight, 0);
});

test('a late answer after the timeout is ignored; the retry under the same id delivers', async (t) => {
  const delivered = [];
  let n = 0;
  const client = await init({
    namespace: randomUUID(),
    transport: async (request) => {
      const slow = n++ === 0;
      await new Promise((r) => setTimeout(r, slow ? 300 : 1));
      return request.updates.map((u) => ({ id: u.id, status: 200 }));
    },
    delivery: { timeoutMs: 80, retryBaseMs: 5, retryMaxDelayMs: 10, jitter: 0, flushIntervalMs: 5 },
    onDelivered: (e) => delivered.push(e),
    onError: () => {},
  });
  t.after(() => client.close());
  client.enrichSpan({ eventId: randomUUID(), feedback: { rating: true } });
  await until(() => delivered.length === 1, 'delivery on the retry');
  await new Promise((r) => setTimeout(r, 350)); // the slow first answer arrives now
  assert.equal(delivered.length, 1, 'delivered once');
  assert.equal(client.stats().inFlight, 0);
});

/** Runs `fn` with Date.now() shifted by `shiftMs` (a wall clock stepped by the OS or the user). */
function stepWallClock(t, shiftMs) {
  const real = Date.now;
  Date.now = () => real() + shiftMs;
  t.after(() => (Date.now = real));
}

test('a wall clock stepped back 10 minutes does not delay the retry', async (t) => {
  const delivered = [];
  let n = 0;
  const client = await init({
    namespace: randomUUID(),
    transport: async (request) => {
      if (n++ === 0) {
        stepWallClock(t, -10 * 60 * 1000); // the step happens right after the failure
        return request.updates.map((u) => ({ id: u.id, status: 503 }));
      }
      return request.updates.map((u) => ({ id: u.id, status: 200 }));
    },
    delivery: { retryBaseMs: 50, retryMaxDelayMs: 100, jitter: 0, flushIntervalMs: 5 },
    onDelivered: (e) => delivered.push(e),
    onError: () => {},
  });
  t.after(() => client.close());
  client.enrichSpan({ eventId: randomUUID(), feedback: { rating: true } });
  const started = performance.now();
  await until(() => delivered.length === 1, 'the retry', 3000);
  console.log(`  retried and delivered ${Math.round(performance.now() - started)} ms after the first try`);
});

test('a wall clock stepped forward 25 h does not expire the queue as max_age', async (t) => {
  const errors = [];
  const delivered = [];
  let fail = true;
  const client = await init({
    namespace: randomUUID(),
    transport: async (request) => request.updates.map((u) => ({ id: u.id, status: fail ? 503 : 200 })),
    delivery: { retryBaseMs: 30, retryMaxDelayMs: 60, jitter: 0, flushIntervalMs: 5, maxAttempts: 100 },
    onDelivered: (e) => delivered.push(e),
    onError: (e) => errors.push(e),
  });
  t.after(() => client.close());
  client.enrichSpan({ eventId: randomUUID(), feedback: { rating: true } });
  await until(() => client.stats().retried >= 1, 'a first failure');
  stepWallClock(t, 25 * 3600 * 1000);
  await new Promise((r) => setTimeout(r, 100));
  fail = false;
  await until(() => delivered.length === 1, 'delivery after the step');
  assert.deepEqual(errors.map((e) => e.code), []);
});

test('two clients failing in the same outage retry at different times (per-client seed)', async () => {
  const times = [[], []];
  const clients = await Promise.all(
    [0, 1].map((i) =>
      init({
        namespace: randomUUID(),
        transport: async (request) => {
          times[i].push(performance.now());
          return request.updates.map((u) => ({ id: u.id, status: 503 }));
        },
        delivery: { retryBaseMs: 200, retryMaxDelayMs: 2000, jitter: 1, maxAttempts: 4, flushIntervalMs: 5 },
        onError: () => {},
      }),
    ),
  );
  for (const c of clients) c.enrichSpan({ eventId: randomUUID(), feedback: { rating: true } });
  await until(() => times[0].length === 4 && times[1].length === 4, 'four attempts each', 8000);
  const delays = times.map((ts) => ts.slice(1).map((x, i) => Math.round(x - ts[i])));
  console.log(`  retry delays (ms): client A ${delays[0].join(', ')}; client B ${delays[1].join(', ')}`);
  // Same seed: the same sequence up to timer noise (a few ms). Different
  // seeds: full jitter over 0..400/800/1600 ms; all three within 30 ms of
  // each other by chance is about 1 in 2,500.
  const apart = Math.max(...delays[0].map((d, i) => Math.abs(d - delays[1][i])));
  assert.ok(apart > 30, `delays differ (largest gap ${apart} ms)`);
  await Promise.all(clients.map((c) => c.close()));
});
