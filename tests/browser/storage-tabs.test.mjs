// web/storage across tabs and page loads in real Chromium: each tab owns its
// slot while it lives, a closed tab's slot is adopted exactly once, a reload
// adopts the previous load, and saveNow at close survives an unfinished
// IndexedDB write. Then the same without Web Locks (heartbeats).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, openPage, waitFor } from './harness.mjs';

const PAGE = '/tests/browser/pages/storage.html';
const suite = browserSuite();

const NO_WEB_LOCKS = () => Object.defineProperty(Navigator.prototype, 'locks', { configurable: true, get: () => undefined });
// Keeps every transaction that puts busy forever once __stallPuts is set:
// the put is issued but never commits, like a write cut off by unload.
const STALLABLE_PUTS = () => {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    const request = put.apply(this, args);
    if (window.__stallPuts) {
      const store = this;
      const spin = () => {
        store.count().onsuccess = spin;
      };
      spin();
    }
    return request;
  };
};

async function tab(context, options = {}) {
  const page = await openPage(context, suite.web.url + PAGE);
  await waitFor(() => page.evaluate(() => window.storageReady === true), { what: 'storage page' });
  page.slot = await page.evaluate((o) => openStore(o), options);
  return page;
}

async function reloadTab(page, options = {}) {
  await page.reload();
  await waitFor(() => page.evaluate(() => window.storageReady === true), { what: 'storage page after reload' });
  page.slot = await page.evaluate((o) => openStore(o), options);
}

test('two live tabs keep their own slots; a closed tab is adopted by exactly one other tab', async () => {
  const context = await suite.browser.newContext();
  const a = await tab(context);
  const b = await tab(context);
  assert.equal(a.slot.ownership, 'locks');
  assert.notEqual(a.slot.key, b.slot.key);
  await a.evaluate(() => store.save('{"from":"a"}'));
  await b.evaluate(() => store.save('{"from":"b"}'));
  assert.deepEqual(await a.evaluate(() => adopt()), [], 'b is alive: a must not take its slot');
  assert.deepEqual(await b.evaluate(() => adopt()), [], 'a is alive: b must not take its slot');

  await a.close(); // no store.close(): the tab just goes away
  const adopted = await waitFor(async () => {
    const got = await b.evaluate(() => adopt());
    return got.length ? got : undefined;
  }, { what: "a's slot to become adoptable" });
  assert.deepEqual(adopted, [{ key: a.slot.key, snapshot: '{"from":"a"}' }]);

  // While b holds its claim, a third tab gets nothing, and b is not offered it twice.
  const c = await tab(context);
  assert.deepEqual(await c.evaluate(() => adopt()), []);
  assert.deepEqual(await b.evaluate(() => adopt()), []);

  await b.evaluate(async (k) => {
    await store.save('{"from":["a","b"]}');
    await store.release(k);
  }, a.slot.key);
  assert.deepEqual(await c.evaluate(() => adopt()), [], 'released means deleted: nothing left for c');
  assert.equal(await c.evaluate((k) => idbRead(k), a.slot.key), undefined);
  assert.deepEqual(b.pageErrors, []);
  assert.deepEqual(c.pageErrors, []);
  await context.close();
});

test('a claim that is never released is handed on when the adopting tab closes', async () => {
  const context = await suite.browser.newContext();
  const a = await tab(context);
  await a.evaluate(() => store.save('{"from":"a"}'));
  await a.close();
  const b = await tab(context);
  const first = await waitFor(async () => (await b.evaluate(() => adopt())).length || undefined, { what: 'b adopts' });
  assert.equal(first, 1);
  // b crashes/closes before its own save: a's slot must not be lost.
  await b.close();
  const c = await tab(context);
  const again = await waitFor(async () => {
    const got = await c.evaluate(() => adopt());
    return got.some((s) => s.key === a.slot.key) ? got : undefined;
  }, { what: "c adopts a's slot after b is gone" });
  assert.equal(again.find((s) => s.key === a.slot.key).snapshot, '{"from":"a"}');
  await context.close();
});

test("a reload adopts the previous load's slot", async () => {
  const context = await suite.browser.newContext();
  const page = await tab(context);
  const before = page.slot.key;
  await page.evaluate(() => store.save('{"load":1}'));
  await reloadTab(page);
  assert.notEqual(page.slot.key, before);
  const adopted = await waitFor(async () => {
    const got = await page.evaluate(() => adopt());
    return got.length ? got : undefined;
  }, { what: 'previous load to become adoptable', timeoutMs: 5000 });
  assert.deepEqual(adopted, [{ key: before, snapshot: '{"load":1}' }]);
  await context.close();
});

test('saveNow then an immediate close: the next page adopts it even though IndexedDB never committed', async () => {
  const context = await suite.browser.newContext();
  await context.addInitScript(STALLABLE_PUTS);
  const page = await tab(context);
  await page.evaluate(() => store.save('{"v":"old"}'));
  await page.evaluate(() => {
    window.__stallPuts = true;
    store.saveNow('{"v":"new"}');
  });
  await page.close();

  const next = await tab(context);
  // Proof that the IndexedDB write really was lost: only the mirror has "new".
  assert.equal((await next.evaluate((k) => idbRead(k), page.slot.key)).data, '{"v":"old"}');
  const adopted = await waitFor(async () => {
    const got = await next.evaluate(() => adopt());
    return got.length ? got : undefined;
  }, { what: 'closed page to become adoptable' });
  assert.deepEqual(adopted, [{ key: page.slot.key, snapshot: '{"v":"new"}' }]);
  await next.evaluate(async (k) => {
    await store.save('{"v":"new"}');
    await store.release(k);
  }, page.slot.key);
  assert.deepEqual(await next.evaluate(() => lsKeys()), [], 'release deletes the mirror too');
  await context.close();
});

test('saveNow then close, without any stall: the newest snapshot is adopted', async () => {
  const context = await suite.browser.newContext();
  const page = await tab(context);
  await page.evaluate(() => store.save('{"v":1}'));
  await page.evaluate(() => store.saveNow('{"v":2}'));
  await page.close();
  const next = await tab(context);
  const adopted = await waitFor(async () => {
    const got = await next.evaluate(() => adopt());
    return got.length ? got : undefined;
  }, { what: 'closed page to become adoptable' });
  assert.deepEqual(adopted.map((a) => a.snapshot), ['{"v":2}']);
  await context.close();
});

test('without Web Locks: heartbeats keep live tabs apart, a closed tab and a reload are adopted', async () => {
  const context = await suite.browser.newContext();
  await context.addInitScript(NO_WEB_LOCKS);
  const options = { heartbeatMs: 200, staleAfterMs: 1500 };
  const a = await tab(context, options);
  const b = await tab(context, options);
  assert.equal(a.slot.ownership, 'heartbeat');
  await a.evaluate(() => store.save('{"from":"a"}'));
  await b.evaluate(() => store.save('{"from":"b"}'));
  // Wait past staleAfterMs: only live heartbeats keep the slots apart now.
  await new Promise((r) => setTimeout(r, 2500));
  assert.deepEqual(await a.evaluate(() => adopt()), []);
  assert.deepEqual(await b.evaluate(() => adopt()), []);

  await a.close();
  const adopted = await waitFor(async () => {
    const got = await b.evaluate(() => adopt());
    return got.length ? got : undefined;
  }, { what: "a's slot after its heartbeat stops" });
  assert.deepEqual(adopted, [{ key: a.slot.key, snapshot: '{"from":"a"}' }]);
  // b keeps the claimed slot alive: even past staleAfterMs nobody else takes it.
  const c = await tab(context, options);
  await new Promise((r) => setTimeout(r, 2000));
  assert.deepEqual(await c.evaluate(() => adopt()), []);
  await b.evaluate((k) => store.release(k), a.slot.key);

  // Reload: the goodbye written at pagehide makes the slot adoptable at once.
  const before = c.slot.key;
  await c.evaluate(() => store.save('{"from":"c"}'));
  await reloadTab(c, options);
  const started = Date.now();
  const again = await waitFor(async () => {
    const got = await c.evaluate(() => adopt());
    return got.length ? got : undefined;
  }, { what: 'previous load of c' });
  assert.deepEqual(again, [{ key: before, snapshot: '{"from":"c"}' }]);
  assert.ok(Date.now() - started < 1500, 'adopted before the heartbeat went stale');
  assert.deepEqual(b.pageErrors, []);
  await context.close();
});
