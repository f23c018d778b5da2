// Storage failures seen through the public client in real Chromium: the
// browser breaks IndexedDB or localStorage before the library loads (init
// scripts), and the client must still start, deliver, say which fallback it
// uses in stats().persistence, and warn exactly once through onError. Where a
// persistent fallback remains, a reload with queued updates still delivers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, waitFor } from './harness.mjs';
import { FAST, PAGE, assertExactlyOnce, assertNoPageErrors, startDeliveryStack, stats, waitForReady } from './delivery-stack.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// Nothing leaves the page by itself: only flush() (or the pagehide beacon) sends.
const HOLD = { retryBaseMs: 60000, retryMaxDelayMs: 60000, jitter: 0, flushIntervalMs: 60000, flushAtUpdates: 1000 };
const STORAGE_CODES = new Set(['storage_fallback', 'storage_quota', 'storage_unavailable', 'storage_error']);

// Init scripts run before any page script, on every document of the page (reloads too).
const BREAK = {
  /** No IndexedDB at all (old embedded browsers, some privacy modes). */
  noIndexedDb: () => {
    delete window.indexedDB;
    if (window.indexedDB !== undefined) Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  },
  /** IndexedDB opens, but every put() throws QuotaExceededError (a full disk, a tiny origin quota). */
  idbQuota: () => {
    window.__putCalls = 0;
    IDBObjectStore.prototype.put = function () {
      window.__putCalls++;
      throw new DOMException('the quota has been exceeded (test)', 'QuotaExceededError');
    };
  },
  /** Every queue write, to IndexedDB and to localStorage, throws QuotaExceededError (the open-time probes pass). */
  allQuota: () => {
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('the quota has been exceeded (test)', 'QuotaExceededError');
    };
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (String(key).includes(':queue:')) throw new DOMException('the quota has been exceeded (test)', 'QuotaExceededError');
      return setItem.call(this, key, value);
    };
  },
  /** Touching localStorage throws SecurityError (cookies blocked, sandboxed frames). */
  localStorageBlocked: () => {
    Object.defineProperty(window, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('access to localStorage is denied (test)', 'SecurityError');
      },
    });
  },
};

async function setup(t, breakers, options) {
  const stack = await startDeliveryStack();
  const context = await browser.newContext();
  t.after(async () => {
    await context.close();
    await stack.close();
  });
  const page = await openPage(context);
  for (const b of breakers) await page.addInitScript(b);
  const query = new URLSearchParams({ options: JSON.stringify(options) });
  await page.goto(`${stack.url}${PAGE}?${query}`);
  await waitForReady(page);
  return { stack, context, page };
}

const capture = (page, eventIds, tag) =>
  page.evaluate(
    ({ eventIds, tag }) => eventIds.map((eventId) => client.enrichSpan({ eventId, feedback: { last: tag, [tag]: true } }).updateId),
    { eventIds, tag },
  );

const errors = (page) => page.evaluate(() => window.errors);

/** onError heard exactly one storage warning, with this code, and nothing else. */
async function assertOneWarning(page, code) {
  const all = await errors(page);
  const storage = all.filter((e) => STORAGE_CODES.has(e.code));
  assert.deepEqual(storage.map((e) => e.code), [code], `storage warnings: ${JSON.stringify(storage)}`);
  assert.deepEqual(all.filter((e) => !STORAGE_CODES.has(e.code)), [], 'no other errors');
  return storage[0];
}

/** Captures, flushes, and checks the collector got each update once. */
async function assertDelivers(stack, page, ids, tag) {
  const updateIds = await capture(page, ids, tag);
  const report = await page.evaluate(() => client.flush());
  assert.equal(report.delivered, ids.length, `flush report ${JSON.stringify(report)}`);
  for (const id of ids) assert.equal(stack.feedbackOf(id)?.[tag], true, `feedback of ${id} after ${tag}`);
  return updateIds;
}

/**
 * A reload with updates queued (the pagehide beacon fails, so only the
 * persisted queue can carry them): the next document adopts and delivers.
 */
async function assertReloadDelivers(t, stack, page, ids, kind, code) {
  const pendingIds = await capture(page, ids, 'before_reload');
  assert.equal((await stats(page)).queued, ids.length);
  stack.failProxy(1000, 503, undefined, { beaconsOnly: true });
  await page.addInitScript((delivery) => (window.__deliveryOptions = { delivery }), FAST);
  await page.reload();
  await waitForReady(page);
  await waitFor(() => ids.every((id) => stack.feedbackOf(id)?.before_reload === true), { what: 'the queue of the old document delivered' });
  await waitFor(async () => (await stats(page)).sent === ids.length, { what: 'the new document settled them' });
  const s = await stats(page);
  assert.equal(s.persistence, kind, 'the new document uses the same fallback');
  assert.equal(s.queued + s.inFlight, 0);
  await assertOneWarning(page, code);
  const once = await assertExactlyOnce(stack, ids);
  for (const u of pendingIds) assert.ok(once.okIds.includes(u), `update ${u} applied`);
  t.diagnostic(`${kind}: reload with ${ids.length} queued, beacon refused: ${stack.proxyLog.length} proxy requests, delivered by the next document`);
  await assertNoPageErrors(page);
}

test('IndexedDB missing: localStorage carries the queue, one storage_fallback warning, a reload still delivers', async (t) => {
  const { stack, page } = await setup(t, [BREAK.noIndexedDb], { delivery: HOLD });
  assert.equal(await page.evaluate(() => typeof window.indexedDB), 'undefined', 'the init script took IndexedDB away');
  const ids = (await stack.seed(3)).map((s) => s.eventId);
  assert.equal((await stats(page)).persistence, 'localstorage');
  const warning = await assertOneWarning(page, 'storage_fallback');
  assert.match(warning.message, /IndexedDB/);
  await assertDelivers(stack, page, ids, 'first');
  // The queue really sits in localStorage (not only in memory).
  const [second] = await capture(page, ids, 'second');
  await page.waitForTimeout(400); // past saveDelayMs: the coalesced write ran
  const slots = await page.evaluate(() =>
    Object.entries(localStorage).filter(([k]) => k.startsWith('trace-feedback:queue:')).map(([, v]) => v),
  );
  assert.equal(slots.length, 1, 'one queue slot in localStorage');
  assert.ok(slots[0].includes(second), 'the slot holds the queued update');
  assert.equal((await page.evaluate(() => client.flush())).delivered, ids.length);
  await assertReloadDelivers(t, stack, page, ids, 'localstorage', 'storage_fallback');
});

test('IndexedDB put() throws QuotaExceededError: writes fall to localStorage, one storage_quota warning, a reload still delivers', async (t) => {
  const { stack, page } = await setup(t, [BREAK.idbQuota], { delivery: HOLD });
  const ids = (await stack.seed(3)).map((s) => s.eventId);
  // init() saves once (adoption); that write met the quota and fell through.
  assert.ok((await page.evaluate(() => window.__putCalls)) >= 1, 'IndexedDB put() was tried');
  assert.equal((await stats(page)).persistence, 'localstorage');
  const warning = await assertOneWarning(page, 'storage_quota');
  assert.match(warning.message, /indexeddb/i);
  await assertDelivers(stack, page, ids, 'first');
  // Many more writes (every pump saves), still one warning.
  for (let i = 0; i < 5; i++) await assertDelivers(stack, page, ids, `more${i}`);
  await page.waitForTimeout(400); // past saveDelayMs: the coalesced writes ran
  assert.ok((await page.evaluate(() => window.__putCalls)) >= 2, 'later saves tried IndexedDB again');
  await assertOneWarning(page, 'storage_quota');
  await assertReloadDelivers(t, stack, page, ids, 'localstorage', 'storage_quota');
});

test('IndexedDB missing and localStorage throwing SecurityError: memory only, one storage_unavailable warning, delivery works', async (t) => {
  const { stack, page } = await setup(t, [BREAK.noIndexedDb, BREAK.localStorageBlocked], { delivery: FAST });
  assert.equal(await page.evaluate(() => { try { void localStorage; return 'readable'; } catch (e) { return e.name; } }), 'SecurityError');
  const ids = (await stack.seed(3)).map((s) => s.eventId);
  assert.equal((await stats(page)).persistence, 'memory');
  const warning = await assertOneWarning(page, 'storage_unavailable');
  assert.match(warning.message, /will not survive a reload/);
  await assertDelivers(stack, page, ids, 'first');
  // Timed delivery (no flush) works too.
  await capture(page, ids, 'second');
  await waitFor(() => ids.every((id) => stack.feedbackOf(id)?.second === true), { what: 'timed delivery' });
  await waitFor(async () => (await stats(page)).sent === ids.length * 2, { what: 'stats.sent' });
  // Hiding the page (saveNow has no persistent layer) must not throw or warn again.
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })));
  await page.waitForTimeout(200);
  await assertOneWarning(page, 'storage_unavailable');
  await assertExactlyOnce(stack, ids);
  await assertNoPageErrors(page);
});

test('localStorage throwing SecurityError with IndexedDB working: IndexedDB in use, no warning, a reload still delivers', async (t) => {
  const { stack, page } = await setup(t, [BREAK.localStorageBlocked], { delivery: HOLD });
  const ids = (await stack.seed(2)).map((s) => s.eventId);
  assert.equal((await stats(page)).persistence, 'indexeddb');
  assert.deepEqual(await errors(page), [], 'the preferred store works: nothing to report');
  await assertDelivers(stack, page, ids, 'first');
  // No synchronous mirror at pagehide here: the IndexedDB write started there must do.
  const pendingIds = await capture(page, ids, 'before_reload');
  await page.waitForTimeout(400); // let the coalesced IndexedDB write land
  stack.failProxy(1000, 503, undefined, { beaconsOnly: true });
  await page.addInitScript((delivery) => (window.__deliveryOptions = { delivery }), FAST);
  await page.reload();
  await waitForReady(page);
  await waitFor(() => ids.every((id) => stack.feedbackOf(id)?.before_reload === true), { what: 'the queue of the old document delivered' });
  assert.equal((await stats(page)).persistence, 'indexeddb');
  assert.deepEqual(await errors(page), []);
  const once = await assertExactlyOnce(stack, ids);
  for (const u of pendingIds) assert.ok(once.okIds.includes(u), `update ${u} applied`);
  await assertNoPageErrors(page);
});

test(
  'localStorage throwing SecurityError with IndexedDB working: updates captured just before a reload survive it',
  // Was a known loss: with no synchronous layer, saveSoon now writes each burst
  // to IndexedDB at once (web/storage/store.ts delayMs), not 250 ms later.
  async (t) => {
    const { stack, page } = await setup(t, [BREAK.localStorageBlocked], { delivery: HOLD });
    const ids = (await stack.seed(3)).map((s) => s.eventId);
    assert.equal((await stats(page)).persistence, 'indexeddb');
    // Captured and reloaded at once: only the pagehide write can carry them (the beacon fails).
    await capture(page, ids, 'just_before');
    stack.failProxy(1000, 503, undefined, { beaconsOnly: true });
    await page.addInitScript((delivery) => (window.__deliveryOptions = { delivery }), FAST);
    await page.reload();
    await waitForReady(page);
    // Any adoption path: at start, and again when the page becomes visible.
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await waitFor(() => ids.every((id) => stack.feedbackOf(id)?.just_before === true), { what: 'the queue of the old document delivered', timeoutMs: 5000 });
    await assertNoPageErrors(page);
  },
);

test('every persistent write throws QuotaExceededError: captures still deliver from memory, one storage_quota warning', async (t) => {
  const { stack, page } = await setup(t, [BREAK.allQuota], { delivery: HOLD });
  const ids = (await stack.seed(3)).map((s) => s.eventId);
  // Writes are coalesced: a few rounds of captures, each written (and refused) in turn.
  for (const tag of ['a', 'b', 'c']) {
    await capture(page, ids, tag);
    await page.waitForTimeout(350); // past saveDelayMs: the write ran and was refused
  }
  assert.equal((await stats(page)).queued, ids.length, 'nothing lost while the page lives');
  const report = await page.evaluate(() => client.flush());
  assert.equal(report.delivered, ids.length);
  for (const id of ids) assert.deepEqual(Object.keys(stack.feedbackOf(id)).filter((k) => k.length === 1).sort(), ['a', 'b', 'c']);
  await assertDelivers(stack, page, ids, 'after');
  const warning = await assertOneWarning(page, 'storage_quota');
  t.diagnostic(`storage_quota: ${warning.message}`);
  assert.equal((await stats(page)).persistence, 'memory', 'stats say where the queue lives now');
  await assertNoPageErrors(page);
});
