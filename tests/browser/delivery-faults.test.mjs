// Delivery in real Chromium when the network misbehaves: HoneyHive answers
// 503 for a while, a response is lost after the proxy applied the batch,
// 429 with Retry-After (from HoneyHive through the proxy, and from the
// proxy itself), and the browser going offline and back online.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { launchBrowser, waitFor } from './harness.mjs';
import { FAST, assertExactlyOnce, assertNoPageErrors, openDeliveryPage, startDeliveryStack, stats } from './delivery-stack.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function setup(t, options = {}) {
  const stack = await startDeliveryStack();
  const context = await browser.newContext();
  t.after(async () => {
    await context.close();
    await stack.close();
  });
  const page = await openDeliveryPage(context, stack, { delivery: FAST, ...options });
  return { stack, context, page };
}

const capture = (page, eventIds, round) =>
  page.evaluate(
    ({ eventIds, round }) => eventIds.map((eventId) => client.enrichSpan({ eventId, feedback: { score: round, [`r${round}`]: true } }).updateId),
    { eventIds, round },
  );

const expectedAfter = (rounds) => {
  const out = { score: rounds - 1 };
  for (let r = 0; r < rounds; r++) out[`r${r}`] = true;
  return out;
};

test('503 for a while, then recovery: every update lands exactly once', async (t) => {
  const { stack, page } = await setup(t);
  const ids = (await stack.seed(10)).map((s) => s.eventId);
  await stack.collector.client.faults({ failNext: 25, status: 503 });
  const started = Date.now();
  const first = await capture(page, ids, 0);
  // Round 1 is captured while round 0 is failing: it must wait behind it
  // (per-target order) as a separate update, not merge into a sent one.
  await waitFor(() => stack.proxyLog.some((e) => e.results?.some((r) => r.status === 503)), { what: 'a 503' });
  const second = await capture(page, ids, 1);
  for (let i = 0; i < ids.length; i++) assert.notEqual(second[i], first[i], 'a sent update is never merged into');
  const third = await capture(page, ids, 2);
  assert.deepEqual(third, second, 'captures behind a failing update merge with each other');

  await waitFor(() => ids.every((id) => isDeepStrictEqual(stack.feedbackOf(id), expectedAfter(3))), { what: 'recovery', timeoutMs: 20000 });
  const elapsed = Date.now() - started;
  await waitFor(async () => (await stats(page)).sent === 20, { what: 'stats.sent 20' });
  const s = await stats(page);
  assert.equal(s.queued + s.inFlight, 0);
  assert.equal(s.deadLettered, 0);
  assert.ok(s.retried >= 10, `every first update was retried at least once (retried=${s.retried})`);
  const once = await assertExactlyOnce(stack, ids);
  assert.equal(once.okIds.length, 20);
  for (const id of ids) {
    const rows = stack.applied(id).map((r) => r.body.feedback);
    assert.equal(rows.length, 2, 'two updates per event, each applied once');
    assert.deepEqual(rows[0], { score: 0, r0: true }, 'per-target order kept');
  }
  const puts = stack.puts();
  const failed = puts.filter((r) => r.status === 503).length;
  assert.equal(failed, 25);
  t.diagnostic(
    `503×25: ${page.feedbackRequests.length} page→proxy requests, ${puts.length} PUTs (${failed} answered 503), ` +
      `stats.retried=${s.retried}, ${once.repeats} resends of an update id, recovered in ${elapsed} ms`,
  );
  assert.deepEqual(await page.evaluate(() => window.errors), []);
  await assertNoPageErrors(page);
});

test('an answer lost to a timeout after the proxy applied the batch: resent, applied once', async (t) => {
  const { stack, page } = await setup(t, { delivery: { ...FAST, timeoutMs: 300 } });
  const ids = (await stack.seed(3)).map((s) => s.eventId);
  // (Dropping the connection instead does not reach the client: Chromium
  // resends the POST by itself, and the proxy answers that from its record.)
  stack.answerLate(1, 800);
  await capture(page, ids, 0);
  await waitFor(async () => (await stats(page)).sent === 3, { what: 'delivered after the lost answer' });
  const s = await stats(page);
  t.diagnostic(`answer lost to a timeout: stats ${JSON.stringify(s)}; ${stack.proxyLog.length} requests at the proxy, ${page.feedbackRequests.length} seen by the page, ${stack.puts().length} PUTs`);
  assert.equal(s.retried, 3, 'the client retried the batch whose answer it never got');
  const last = stack.proxyLog.at(-1);
  assert.equal(stack.proxyLog.length, 2);
  assert.equal(stack.proxyLog[0].late, true);
  assert.ok(last.results.every((r) => r.status === 200 && r.duplicate === true), 'the proxy answered the resend from its record');
  const once = await assertExactlyOnce(stack, ids);
  assert.ok(once.repeats >= 3);
  assert.equal(stack.puts().length, 3, 'one PUT per event, whatever the resends');
  for (const id of ids) assert.equal(stack.applied(id).length, 1);
  await assertNoPageErrors(page);
});

test('a proxy answer whose body stalls times out and is retried (timeoutMs covers the body)', async (t) => {
  const { stack, page } = await setup(t, { delivery: { ...FAST, timeoutMs: 400 } });
  const ids = (await stack.seed(2)).map((s) => s.eventId);
  stack.stallProxyBody(1);
  const started = Date.now();
  await capture(page, ids, 0);
  await waitFor(async () => (await stats(page)).sent === 2, { what: 'delivered after the stalled answer', timeoutMs: 8000 });
  const s = await stats(page);
  t.diagnostic(`stalled body: delivered after ${Date.now() - started} ms, ${stack.proxyLog.length} proxy requests, stats ${JSON.stringify(s)}`);
  assert.equal(s.retried, 2);
  assert.equal(stack.proxyLog.length, 2);
  await assertExactlyOnce(stack, ids);
  await assertNoPageErrors(page);
});

test('429 with Retry-After: 1 from HoneyHive: the resend waits at least a second', async (t) => {
  const { stack, page } = await setup(t);
  const [{ eventId }] = await stack.seed(1);
  await stack.collector.client.faults({ failNext: 1, status: 429, retryAfter: '1', eventId });
  await capture(page, [eventId], 0);
  await waitFor(() => isDeepStrictEqual(stack.feedbackOf(eventId), expectedAfter(1)), { what: 'delivery after the 429' });
  const puts = stack.puts().filter((r) => r.event_id === eventId);
  assert.deepEqual(puts.map((r) => r.status), [429, 200]);
  const gap = puts[1].at - puts[0].at;
  t.diagnostic(`collector: 429 at +0, resend at +${gap} ms (retryBaseMs is 50: backoff alone would resend after 50 ms)`);
  assert.ok(gap >= 990, `resent ${gap} ms after the 429`);
  assert.ok(gap < 3000, `but not much later (${gap} ms)`);
  // The row can be in SQLite a moment before the page has read the proxy's answer.
  await waitFor(async () => (await stats(page)).sent === 1, { what: 'the page settled the resend' });
  const s = await stats(page);
  assert.equal(s.retried, 1);
  assert.equal(s.sent, 1);
  await assertNoPageErrors(page);
});

test('429 with Retry-After: 1 from the proxy itself (whole batch): the resend waits at least a second', async (t) => {
  const { stack, page } = await setup(t);
  const ids = (await stack.seed(2)).map((s) => s.eventId);
  stack.failProxy(1, 429, '1');
  await capture(page, ids, 0);
  await waitFor(async () => (await stats(page)).sent === 2, { what: 'delivery after the proxy 429' });
  assert.deepEqual(stack.proxyLog.map((e) => e.status), [429, 200]);
  const gap = stack.proxyLog[1].at - stack.proxyLog[0].at;
  t.diagnostic(`proxy: 429 at +0, resend at +${gap} ms`);
  assert.ok(gap >= 990, `resent ${gap} ms after the 429`);
  assert.ok(gap < 3000, `but not much later (${gap} ms)`);
  await assertExactlyOnce(stack, ids);
  await assertNoPageErrors(page);
});

test('an update past maxAgeMs while backing off is given up and reported once (max_age)', async (t) => {
  // The retry would come after 1 s, but the update may live 400 ms: the
  // engine's wake-up at its age limit dead-letters it, and onError must hear it.
  const { stack, page } = await setup(t, { delivery: { ...FAST, retryBaseMs: 1000, retryMaxDelayMs: 1000, maxAgeMs: 400 } });
  const [{ eventId }] = await stack.seed(1);
  stack.failProxy(1, 503);
  const [updateId] = await capture(page, [eventId], 0);
  await waitFor(() => page.evaluate(() => window.errors.length > 0), { what: 'onError for max_age', timeoutMs: 5000 });
  await page.waitForTimeout(1200); // past the would-be retry
  const errors = await page.evaluate(() => window.errors);
  assert.deepEqual(errors.map((e) => [e.code, e.updateId, e.eventId, e.status]), [['max_age', updateId, eventId, 503]]);
  assert.equal(stack.proxyLog.length, 1, 'not resent after giving up');
  const s = await stats(page);
  assert.equal(s.deadLettered, 1);
  assert.equal(s.queued + s.inFlight, 0);
  assert.deepEqual(stack.applied(eventId), []);
  await assertNoPageErrors(page);
});

test('offline holds the queue; online delivers it', async (t) => {
  const { stack, context, page } = await setup(t);
  const [{ eventId }] = await stack.seed(1);
  await context.setOffline(true);
  assert.equal(await page.evaluate(() => navigator.onLine), false);
  const [updateId] = await capture(page, [eventId], 0);
  await page.waitForTimeout(500); // ten flush intervals
  assert.equal(stack.proxyLog.length, 0, 'nothing reached the proxy');
  assert.deepEqual(stack.applied(eventId), []);
  assert.deepEqual(await page.evaluate(() => client.pending()), [{ id: updateId, event_id: eventId, feedback: { score: 0, r0: true }, attempts: 0 }]);
  const offline = await stats(page);
  assert.equal(offline.queued, 1);
  assert.equal(offline.retried, 0, 'offline does not burn attempts');

  const back = Date.now();
  await context.setOffline(false);
  await waitFor(() => isDeepStrictEqual(stack.feedbackOf(eventId), expectedAfter(1)), { what: 'delivery once online' });
  t.diagnostic(`delivered ${Date.now() - back} ms after going online; ${stack.proxyLog.length} page request(s)`);
  assert.equal(stack.proxyLog.length, 1);
  await waitFor(async () => (await stats(page)).sent === 1, { what: 'stats.sent' });
  await assertExactlyOnce(stack, [eventId]);
  await assertNoPageErrors(page);
});

test('offline in the middle of a retry: held, then delivered once online', async (t) => {
  const { stack, context, page } = await setup(t, { delivery: { ...FAST, retryBaseMs: 300 } });
  const [{ eventId }] = await stack.seed(1);
  stack.failProxy(1, 503);
  await capture(page, [eventId], 0);
  await waitFor(() => stack.proxyLog.length === 1, { what: 'the failing request' });
  await context.setOffline(true);
  await page.waitForTimeout(700); // past the 300 ms backoff
  assert.equal(stack.proxyLog.length, 1, 'no resend while offline');
  await context.setOffline(false);
  await waitFor(() => isDeepStrictEqual(stack.feedbackOf(eventId), expectedAfter(1)), { what: 'delivery once online' });
  assert.equal(stack.proxyLog.length, 2);
  await assertExactlyOnce(stack, [eventId]);
  await assertNoPageErrors(page);
});

