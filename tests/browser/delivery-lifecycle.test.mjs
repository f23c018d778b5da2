// Delivery across page lifecycles in real Chromium: a reload and a closed
// tab with updates still queued (sent by beacon at pagehide, or adopted and
// sent by the next load), and two tabs of one app, one closing mid-way.
// Each time: nothing lost, nothing applied twice at the collector.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, waitFor } from './harness.mjs';
import { FAST, assertExactlyOnce, assertNoPageErrors, openDeliveryPage, startDeliveryStack, stats, waitForReady } from './delivery-stack.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// Nothing goes out by itself: no timed flush, and a failed update waits a minute.
const HOLD = { retryBaseMs: 60000, retryMaxDelayMs: 60000, jitter: 0, flushIntervalMs: 60000, flushAtUpdates: 1000, flushAtBytes: 4000000 };

async function setup(t) {
  const stack = await startDeliveryStack();
  const context = await browser.newContext();
  t.after(async () => {
    await context.close();
    await stack.close();
  });
  return { stack, context };
}

/** One capture per event, each with a key of its own so every update's content is unique. */
const capture = (page, eventIds, tag) =>
  page.evaluate(
    ({ eventIds, tag }) => eventIds.map((eventId) => client.enrichSpan({ eventId, feedback: { last: tag, [tag]: true } }).updateId),
    { eventIds, tag },
  );

/**
 * A page holding 7 updates: 3 failed once (backing off a minute), 3 newer
 * ones queued behind them, 1 never sent. Returns their update ids.
 */
async function pageWithPendingUpdates(context, stack, ids) {
  const page = await openDeliveryPage(context, stack, { delivery: HOLD });
  const first = await capture(page, ids.slice(0, 3), 'one');
  stack.failProxy(1, 503);
  const report = await page.evaluate(() => client.flush());
  assert.deepEqual(report, { delivered: 0, retrying: 3, deadLettered: 0, queued: 3 });
  const second = await capture(page, ids.slice(0, 3), 'two');
  const third = await capture(page, ids.slice(3), 'one');
  const pending = await page.evaluate(() => client.pending());
  assert.deepEqual(pending.map((u) => u.id).sort(), [...first, ...second, ...third].sort());
  assert.deepEqual(pending.map((u) => u.attempts).sort(), [0, 0, 0, 0, 1, 1, 1]);
  return { page, updateIds: [...first, ...second, ...third] };
}

const expected = (ids) =>
  Object.fromEntries(ids.map((id, i) => [id, i < 3 ? { last: 'two', one: true, two: true } : { last: 'one', one: true }]));

async function assertAllLanded(stack, ids, updateIds) {
  const want = expected(ids);
  for (const id of ids) assert.deepEqual(stack.feedbackOf(id), want[id], `feedback of ${id}`);
  const once = await assertExactlyOnce(stack, ids);
  assert.deepEqual(once.okIds.sort(), [...updateIds].sort(), 'every update applied, none lost');
  return once;
}

const allLanded = (stack, ids) => () => {
  const want = expected(ids);
  return ids.every((id) => JSON.stringify(stack.feedbackOf(id)) === JSON.stringify(want[id]));
};

test('reload with queued updates: the beacon at pagehide sends them, the new page adopts the rest; nothing doubled', async (t) => {
  const { stack, context } = await setup(t);
  const ids = (await stack.seed(4)).map((s) => s.eventId);
  const { page, updateIds } = await pageWithPendingUpdates(context, stack, ids);
  const before = stack.proxyLog.length;
  // The next document of this tab delivers fast.
  await page.addInitScript((delivery) => (window.__deliveryOptions = { delivery }), FAST);
  await page.reload();
  await waitForReady(page);
  await waitFor(allLanded(stack, ids), { what: 'everything delivered after the reload' });
  const beacons = stack.proxyLog.slice(before).filter((e) => e.beacon);
  assert.ok(beacons.length >= 1, 'pagehide sent a beacon');
  // The beacon could take the heads of each target (4 updates); the 3 queued behind them wait for the next page.
  assert.equal(beacons.reduce((n, e) => n + e.updates.length, 0), 4);
  await waitFor(async () => (await stats(page)).sent === 7, { what: 'the new page settled all 7' });
  const s = await stats(page);
  assert.equal(s.queued + s.inFlight, 0);
  const once = await assertAllLanded(stack, ids, updateIds);
  const dupes = stack.proxyLog.flatMap((e) => e.results ?? []).filter((r) => r.duplicate).length;
  assert.equal(dupes, 4, 'the new page resent what the beacon carried (its outcome is unknowable); the proxy answered from its record');
  t.diagnostic(
    `reload: ${stack.proxyLog.length} proxy requests (${beacons.length} beacon), ${stack.puts().length} PUTs, ` +
      `${once.repeats} resends, ${dupes} answered as duplicates, new page stats ${JSON.stringify(s)}`,
  );
  await assertNoPageErrors(page);
});

test('reload while the proxy fails: the new page adopts the whole queue and delivers it once', async (t) => {
  const { stack, context } = await setup(t);
  const ids = (await stack.seed(4)).map((s) => s.eventId);
  const { page, updateIds } = await pageWithPendingUpdates(context, stack, ids);
  stack.failProxy(1000, 503, undefined, { beaconsOnly: true });
  await page.addInitScript((delivery) => (window.__deliveryOptions = { delivery }), FAST);
  const started = Date.now();
  await page.reload();
  await waitForReady(page);
  await waitFor(allLanded(stack, ids), { what: 'everything delivered after the reload' });
  const elapsed = Date.now() - started;
  assert.equal(stack.proxyLog.filter((e) => e.beacon && e.status === 503).length >= 1, true, 'the beacon failed');
  await waitFor(async () => (await stats(page)).sent === 7, { what: 'the new page sent all 7' });
  const once = await assertAllLanded(stack, ids, updateIds);
  assert.equal(stack.puts().length, 7);
  t.diagnostic(`reload with failing beacon: ${stack.proxyLog.length} proxy requests, ${stack.puts().length} PUTs, delivered ${elapsed} ms after reload(), ${once.repeats} resends`);
  await assertNoPageErrors(page);
});

test('reload while a request hangs at the proxy: the new page resends it; the late original is not applied over newer feedback', async (t) => {
  const { stack, context } = await setup(t);
  const [{ eventId }] = await stack.seed(1);
  const page = await openDeliveryPage(context, stack, { delivery: FAST });
  stack.holdNext(1);
  const [first] = await capture(page, [eventId], 'one');
  await waitFor(() => stack.proxyLog.length === 1, { what: 'the held request' });
  assert.equal((await stats(page)).inFlight, 1);
  await page.reload();
  await waitForReady(page);
  // The new page adopted the in-flight update and resends it (same id).
  await waitFor(() => stack.feedbackOf(eventId)?.one === true, { what: 'the resend landed' });
  const [second] = await capture(page, [eventId], 'two');
  assert.notEqual(second, first);
  await waitFor(() => stack.feedbackOf(eventId)?.last === 'two', { what: 'the newer update landed' });
  // Now the original request of the old page reaches the proxy, late.
  stack.releaseHeld();
  // Its page is gone, so the proxy drops it (nothing to answer, nothing started);
  // were it processed, the idempotency record would answer it as a duplicate.
  await waitFor(() => stack.proxyLog[0].clientGone !== undefined, { what: 'the late original handed to the proxy' });
  assert.equal(stack.proxyLog[0].clientGone, true, 'the old page had hung up');
  await new Promise((r) => setTimeout(r, 500)); // the proxy's turn with it
  assert.deepEqual(stack.feedbackOf(eventId), { last: 'two', one: true, two: true }, 'no stale overwrite');
  assert.equal(stack.applied(eventId).length, 2);
  await assertExactlyOnce(stack, [eventId]);
  await assertNoPageErrors(page);
});

test('tab closed with queued updates: beacon delivers at pagehide; the next load adopts and nothing is applied twice', async (t) => {
  const { stack, context } = await setup(t);
  const ids = (await stack.seed(4)).map((s) => s.eventId);
  const { page, updateIds } = await pageWithPendingUpdates(context, stack, ids);
  const before = stack.proxyLog.length;
  await assertNoPageErrors(page);
  await page.close({ runBeforeUnload: true });
  await waitFor(() => stack.proxyLog.slice(before).some((e) => e.beacon && e.status === 200), { what: 'the beacon' });
  const beaconed = stack.proxyLog.slice(before).filter((e) => e.beacon).flatMap((e) => e.updates.map((u) => u.id));
  assert.equal(beaconed.length, 4, 'heads of the 4 targets went by beacon');

  // The next load of the app adopts the closed tab's slot: the 3 updates
  // that were queued behind, and the 4 beaconed ones (outcome unknown).
  const next = await openDeliveryPage(context, stack, { delivery: FAST });
  await waitFor(allLanded(stack, ids), { what: 'the rest delivered by the next load' });
  await waitFor(async () => (await stats(next)).sent === 7, { what: 'the next page settled all 7' });
  const once = await assertAllLanded(stack, ids, updateIds);
  assert.equal(stack.puts().length, 7, 'one PUT per update');
  t.diagnostic(`tab closed: ${beaconed.length} updates by beacon, ${stack.proxyLog.length} proxy requests, ${once.repeats} resends, ${stack.puts().length} PUTs`);
  await assertNoPageErrors(next);
});

test('tab closed while the proxy fails: the next load delivers everything once', async (t) => {
  const { stack, context } = await setup(t);
  const ids = (await stack.seed(4)).map((s) => s.eventId);
  const { page, updateIds } = await pageWithPendingUpdates(context, stack, ids);
  stack.failProxy(1000, 503, undefined, { beaconsOnly: true });
  await page.close();
  const next = await openDeliveryPage(context, stack, { delivery: FAST });
  await waitFor(allLanded(stack, ids), { what: 'delivered by the next load' });
  await waitFor(async () => (await stats(next)).sent === 7, { what: 'the next page sent all 7' });
  await assertAllLanded(stack, ids, updateIds);
  assert.equal(stack.puts().length, 7);
  t.diagnostic(`closed with failing beacon: beacons ${stack.proxyLog.filter((e) => e.beacon).length}, ${stack.proxyLog.length} proxy requests, ${stack.puts().length} PUTs`);
  await assertNoPageErrors(next);
});

test('a tab hidden and shown again: one beacon for repeated hide events, resent once when visible', async (t) => {
  const { stack, context } = await setup(t);
  const ids = (await stack.seed(2)).map((s) => s.eventId);
  const page = await openDeliveryPage(context, stack, { delivery: { ...HOLD, retryBaseMs: 50 } });
  const updateIds = await capture(page, ids, 'one');
  // The lost-beacon case: the page cannot tell, so it must resend later.
  stack.failProxy(1, 503, undefined, { beaconsOnly: true });
  const setVisibility = (state) =>
    page.evaluate((state) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
      if (state === 'hidden') window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
      else window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    }, state);
  await setVisibility('hidden');
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange'))); // a second hidden event
  await waitFor(() => stack.proxyLog.length >= 1, { what: 'the beacon' });
  await page.waitForTimeout(300);
  assert.equal(stack.proxyLog.length, 1, 'one beacon for several hide events');
  assert.equal(stack.proxyLog[0].beacon, true);
  const hidden = await stats(page);
  assert.equal(hidden.inFlight, 2, 'beaconed updates stay in flight while hidden');
  assert.equal(hidden.retried, 0, 'a beacon is not a failure yet');

  await setVisibility('visible');
  await waitFor(() => ids.every((id) => stack.feedbackOf(id)?.one === true), { what: 'resent once visible' });
  await waitFor(async () => (await stats(page)).sent === 2, { what: 'stats.sent 2' });
  const s = await stats(page);
  assert.equal(s.retried, 2, 'shown again: the beacon counts as one network error per update');
  assert.deepEqual(stack.proxyLog.map((e) => e.beacon), [true, false]);
  const once = await assertExactlyOnce(stack, ids);
  assert.deepEqual(once.okIds.sort(), [...updateIds].sort());
  t.diagnostic(`hide ×2 + pagehide, then show: ${stack.proxyLog.length} proxy requests, stats ${JSON.stringify(s)}`);
  await assertNoPageErrors(page);
});

test('two tabs on shared and own events, one closing mid-way: no update lost, none applied twice, no tab sends another live tab\'s update', async (t) => {
  const { stack, context } = await setup(t);
  const [shared, ownA, ownB] = (await stack.seed(3)).map((s) => s.eventId);
  // a sends only when told to (flush), so its last captures are surely still queued when it closes.
  const a = await openDeliveryPage(context, stack, { delivery: HOLD });
  const b = await openDeliveryPage(context, stack, { delivery: FAST });
  const ids = { a: [], b: [] };
  const round = async (page, who, n) => {
    const got = await page.evaluate(
      ({ shared, own, who, n }) => [
        client.enrichSpan({ eventId: shared, feedback: { [`${who}${n}`]: true, [`by_${who}`]: n } }).updateId,
        client.enrichSpan({ eventId: own, feedback: { [`${who}${n}`]: true, n } }).updateId,
      ],
      { shared, own: who === 'a' ? ownA : ownB, who, n },
    );
    ids[who].push(...got);
  };
  for (let n = 0; n < 3; n++) {
    await round(a, 'a', n);
    await round(b, 'b', n);
    assert.equal((await a.evaluate(() => client.flush())).delivered, 2);
    await b.waitForTimeout(120);
  }
  // a's last captures are still queued when it goes away; the beacon fails.
  stack.failProxy(1000, 503, undefined, { beaconsOnly: true });
  await a.evaluate(({ shared, ownA }) => {
    client.enrichSpan({ eventId: shared, feedback: { a_last: true } });
    client.enrichSpan({ eventId: ownA, feedback: { a_last: true } });
  }, { shared, ownA });
  assert.equal((await a.evaluate(() => client.pending())).length, 2);
  await a.close();
  for (let n = 3; n < 6; n++) {
    await round(b, 'b', n);
    await b.waitForTimeout(120);
  }
  // The next load adopts a's slot (b is alive: its queue stays its own).
  const c = await openDeliveryPage(context, stack, { delivery: FAST });
  const wantShared = { by_a: 2, by_b: 5, a_last: true };
  for (let n = 0; n < 3; n++) wantShared[`a${n}`] = true;
  for (let n = 0; n < 6; n++) wantShared[`b${n}`] = true;
  await waitFor(() => JSON.stringify(Object.keys(stack.feedbackOf(shared)).sort()) === JSON.stringify(Object.keys(wantShared).sort()), { what: 'shared event complete' });
  await waitFor(() => stack.feedbackOf(ownA)?.a_last === true && stack.feedbackOf(ownB)?.b5 === true, { what: 'own events complete' });
  assert.deepEqual(stack.feedbackOf(shared), wantShared);
  assert.deepEqual(stack.feedbackOf(ownA), { a0: true, a1: true, a2: true, a_last: true, n: 2 });
  assert.deepEqual(stack.feedbackOf(ownB), { b0: true, b1: true, b2: true, b3: true, b4: true, b5: true, n: 5 });
  await waitFor(async () => (await stats(b)).sent === 12, { what: "b's 12 updates settled" });
  const once = await assertExactlyOnce(stack, [shared, ownA, ownB]);
  const prefix = (id) => id.split('-').slice(0, -1).join('-');
  const bClient = prefix(ids.b[0]);
  const aClient = prefix(ids.a[0]);
  assert.ok(aClient && aClient !== bClient);
  // Who sent what (from each page's own requests).
  const sentBy = (page) => new Set(page.feedbackRequests.flatMap((r) => r.ids).map(prefix));
  // (Playwright's request events may trail the server by a moment.)
  await waitFor(() => sentBy(b).has(aClient) || sentBy(c).has(aClient), { what: "the request that delivered a's leftovers" });
  assert.ok([...sentBy(b)].every((p) => p === bClient || p === aClient), 'b sent its own updates (and maybe the closed tab\'s), nothing else');
  assert.ok(!sentBy(c).has(bClient), 'c never sent a live tab\'s update');
  t.diagnostic(`two tabs: ${stack.proxyLog.length} proxy requests, ${stack.puts().length} PUTs, ${once.ids} update ids, ${once.repeats} resends`);
  await assertNoPageErrors(b);
  await assertNoPageErrors(c);
});

test('a live tab takes over the queue of a tab closed next to it (when it becomes visible), without a new page load', async (t) => {
  const { stack, context } = await setup(t);
  const ids = (await stack.seed(2)).map((s) => s.eventId);
  const a = await openDeliveryPage(context, stack, { delivery: HOLD });
  const b = await openDeliveryPage(context, stack, { delivery: FAST });
  const fromA = await capture(a, ids, 'from_a');
  stack.failProxy(1000, 503, undefined, { beaconsOnly: true });
  await a.close();
  await waitFor(() => stack.proxyLog.some((e) => e.beacon && e.status === 503), { what: "a's failed beacon" });
  assert.deepEqual(stack.applied(ids[0]), []);
  // b is alive all along; it looks for orphaned queues when it is shown (and every 30 s).
  // The closed page's Web Lock is released by the browser a moment after its
  // beacon, so b is shown again until the lock is free (a real user's tab
  // switches do the same; otherwise the 30 s sweep would pick it up).
  await waitFor(async () => {
    if (ids.every((id) => stack.feedbackOf(id)?.from_a === true)) return true;
    await b.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await new Promise((r) => setTimeout(r, 500));
    return false;
  }, { what: "a's updates delivered by b" });
  await waitFor(async () => (await stats(b)).sent === 2, { what: 'b settled them' });
  // (Playwright's request events may trail the server by a moment.)
  await waitFor(() => b.feedbackRequests.length >= 1, { what: "b's request event" });
  const sentByB = b.feedbackRequests.flatMap((r) => r.ids);
  assert.deepEqual(sentByB.sort(), [...fromA].sort(), 'b sent exactly what a left');
  const once = await assertExactlyOnce(stack, ids);
  assert.deepEqual(once.okIds.sort(), [...fromA].sort());
  // A second look finds nothing more: the slot was released (deleted).
  await b.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await b.waitForTimeout(300);
  assert.equal(b.feedbackRequests.length, 1);
  await assertNoPageErrors(b);
});

test('closing with more than the 64 KiB beacon quota queued: beacons carry what fits, the next load the rest', async (t) => {
  const { stack, context } = await setup(t);
  const ids = (await stack.seed(4)).map((s) => s.eventId);
  const page = await openDeliveryPage(context, stack, { delivery: HOLD });
  // Four updates of ~25 KB: about 100 KB in all.
  const updateIds = await page.evaluate((ids) => ids.map((eventId, i) => client.enrichSpan({ eventId, feedback: { comment: String(i).repeat(12500), note: 'x'.repeat(12500), n: i } }).updateId), ids);
  await page.close({ runBeforeUnload: true });
  await waitFor(() => stack.proxyLog.some((e) => e.beacon && e.status === 200), { what: 'beacons' });
  await new Promise((r) => setTimeout(r, 300));
  const beacons = stack.proxyLog.filter((e) => e.beacon);
  const beaconBytes = beacons.reduce((n, e) => n + JSON.stringify({ updates: e.updates }).length, 0);
  const beaconed = beacons.flatMap((e) => e.updates.map((u) => u.id));
  assert.ok(beaconed.length >= 1 && beaconed.length < 4, `some but not all went by beacon (${beaconed.length})`);
  assert.ok(beaconBytes <= 65536, `beacons within the keepalive quota (${beaconBytes} bytes)`);
  const next = await openDeliveryPage(context, stack, { delivery: FAST });
  await waitFor(() => ids.every((id, i) => stack.feedbackOf(id)?.n === i), { what: 'all four delivered' });
  await waitFor(async () => (await stats(next)).sent === 4, { what: 'the next page settled all 4' });
  const once = await assertExactlyOnce(stack, ids);
  assert.deepEqual(once.okIds.sort(), [...updateIds].sort());
  t.diagnostic(`over the beacon quota: ${beacons.length} beacon(s) with ${beaconed.length} updates (${beaconBytes} bytes), the rest by the next load; ${stack.puts().length} PUTs`);
  await assertNoPageErrors(next);
});
