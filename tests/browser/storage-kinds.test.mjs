// web/storage in real Chromium, one page at a time: each kind saves and the
// next load adopts; unavailable IndexedDB/localStorage and quota errors fall
// back with one warning each; saveSoon coalesces bursts into one write.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, openPage, waitFor } from './harness.mjs';

const PAGE = '/tests/browser/pages/storage.html';
const suite = browserSuite();

// Init scripts run before any page script, so the store meets a browser
// that really lacks (or breaks) the feature, without mocking the store.
const NO_INDEXEDDB = () => Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
const OPEN_THROWS = () => {
  IDBFactory.prototype.open = function () {
    throw new DOMException('IndexedDB is disabled in this mode', 'InvalidStateError');
  };
};
const NO_LOCALSTORAGE = () =>
  Object.defineProperty(window, 'localStorage', {
    configurable: true,
    get() {
      throw new DOMException('access denied', 'SecurityError');
    },
  });
const QUOTA_ON_PUT = () => {
  window.__putAttempts = 0;
  IDBObjectStore.prototype.put = function () {
    window.__putAttempts++;
    throw new DOMException('quota exceeded', 'QuotaExceededError');
  };
};
const COUNT_WRITES = () => {
  window.__puts = 0;
  window.__setItems = 0;
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    window.__puts++;
    return put.apply(this, args);
  };
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    if (String(key).startsWith('test:queue:')) window.__setItems++;
    return setItem.call(this, key, value);
  };
};

async function freshPage(initScripts = []) {
  const context = await suite.browser.newContext();
  for (const script of initScripts) await context.addInitScript(script);
  const page = await openPage(context, suite.web.url + PAGE);
  await waitFor(() => page.evaluate(() => window.storageReady === true), { what: 'storage page' });
  return { context, page };
}

async function reload(page) {
  await page.reload();
  await waitFor(() => page.evaluate(() => window.storageReady === true), { what: 'storage page after reload' });
}

for (const kind of ['indexeddb', 'localstorage']) {
  test(`${kind}: a saved slot is adopted by the next page load, then released`, async () => {
    const { context, page } = await freshPage();
    const first = await page.evaluate((kind) => openStore({ kind }), kind);
    assert.equal(first.kind, kind);
    assert.equal(first.ownership, 'locks');
    assert.match(first.key, /^test:queue:[0-9a-f-]{36}$/);
    const big = 'x'.repeat(2_000_000); // snapshots reach a few MB
    assert.equal(await page.evaluate((s) => store.save(JSON.stringify({ v: 1, pending: ['a'], pad: s })), big), true);
    // The bytes are where the kind says (and only there).
    const inIdb = await page.evaluate((k) => idbRead(k), first.key);
    const inLs = await page.evaluate(() => lsKeys());
    if (kind === 'indexeddb') {
      assert.equal(JSON.parse(inIdb.data).pending[0], 'a');
      assert.deepEqual(inLs, []);
    } else {
      assert.equal(inIdb, undefined);
      assert.deepEqual(inLs, [first.key]);
    }
    await page.evaluate(() => store.close());

    await reload(page);
    const second = await page.evaluate((kind) => openStore({ kind }), kind);
    assert.notEqual(second.key, first.key, 'every page load gets its own slot');
    const adopted = await page.evaluate(() => adopt());
    assert.deepEqual(adopted.map((a) => a.key), [first.key]);
    assert.equal(JSON.parse(adopted[0].snapshot).pad.length, big.length);
    await page.evaluate(() => store.save('{"v":1,"pending":["a"]}'));
    await page.evaluate((k) => store.release(k), first.key);
    assert.deepEqual(await page.evaluate(() => adopt()), [], 'a released slot is not offered again');
    await page.evaluate(() => store.close());

    await reload(page);
    await page.evaluate((kind) => openStore({ kind }), kind);
    const third = await page.evaluate(() => adopt());
    assert.deepEqual(third.map((a) => a.key), [second.key], 'only the second load is left, the first was released');
    assert.deepEqual(await page.evaluate(() => warnings), []);
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  });
}

test('memory: another store of the same page adopts, nothing survives a reload', async () => {
  const { context, page } = await freshPage();
  const opened = await page.evaluate(() => openStore({ kind: 'memory' }));
  assert.equal(opened.kind, 'memory');
  assert.equal(await page.evaluate(() => store.save('{"m":1}')), true);
  await page.evaluate(() => store.close());
  await page.evaluate(() => openStore({ kind: 'memory' }));
  assert.deepEqual((await page.evaluate(() => adopt())).map((a) => a.snapshot), ['{"m":1}']);
  assert.deepEqual(await page.evaluate(() => lsKeys()), [], 'memory never touches localStorage');
  await reload(page);
  await page.evaluate(() => openStore({ kind: 'memory' }));
  assert.deepEqual(await page.evaluate(() => adopt()), []);
  assert.deepEqual(await page.evaluate(() => warnings), [], 'memory was asked for: no warning');
  await context.close();
});

test('auto picks IndexedDB when it works', async () => {
  const { context, page } = await freshPage();
  assert.equal((await page.evaluate(() => openStore())).kind, 'indexeddb');
  await context.close();
});

for (const [name, script] of [
  ['indexedDB undefined', NO_INDEXEDDB],
  ['indexedDB.open throwing', OPEN_THROWS],
]) {
  test(`${name}: falls back to localStorage, warns once, still persists`, async () => {
    const { context, page } = await freshPage([script]);
    const opened = await page.evaluate(() => openStore({ kind: 'auto' }));
    assert.equal(opened.kind, 'localstorage');
    for (let i = 0; i < 3; i++) assert.equal(await page.evaluate((i) => store.save(`{"n":${i}}`), i), true);
    await page.evaluate(() => store.close());
    const warnings = await page.evaluate(() => warnings);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.equal(warnings[0].code, 'storage_fallback');
    assert.equal(warnings[0].kind, 'localstorage');
    assert.match(warnings[0].message, /IndexedDB/);

    await reload(page);
    await page.evaluate(() => openStore());
    assert.deepEqual((await page.evaluate(() => adopt())).map((a) => a.snapshot), ['{"n":2}']);
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  });
}

test('IndexedDB and localStorage both unavailable: memory, one storage_unavailable warning, no throw', async () => {
  const { context, page } = await freshPage([NO_INDEXEDDB, NO_LOCALSTORAGE]);
  const opened = await page.evaluate(() => openStore());
  assert.equal(opened.kind, 'memory');
  const results = await page.evaluate(async () => {
    const out = [await store.save('{"a":1}'), await store.save('{"a":2}')];
    store.saveSoon(() => '{"a":3}');
    store.saveNow('{"a":4}');
    out.push((await store.adoptable()).length);
    await store.clearOwn();
    await store.close();
    return out;
  });
  assert.deepEqual(results, [true, true, 0]);
  const warnings = await page.evaluate(() => warnings);
  assert.deepEqual(warnings.map((w) => [w.code, w.kind]), [['storage_unavailable', 'memory']]);
  assert.match(warnings[0].message, /IndexedDB unavailable.*localStorage unavailable.*SecurityError/s);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('QuotaExceededError on put: reported once, the write lands in localStorage and is adopted', async () => {
  const { context, page } = await freshPage([QUOTA_ON_PUT]);
  const opened = await page.evaluate(() => openStore({ kind: 'indexeddb' }));
  assert.equal(opened.kind, 'indexeddb', 'opening works; only writes fail');
  const saved = await page.evaluate(async () => [await store.save('{"q":1}'), await store.save('{"q":2}')]);
  assert.deepEqual(saved, [true, true], 'still durable, one layer down');
  assert.equal(await page.evaluate(() => store.kind), 'localstorage');
  assert.equal(await page.evaluate(() => window.__putAttempts), 2, 'IndexedDB is retried on every write');
  const warnings = await page.evaluate(() => warnings);
  assert.deepEqual(warnings.map((w) => [w.code, w.kind, w.dropped]), [['storage_quota', 'indexeddb', false]]);
  await page.evaluate(() => store.close());

  await reload(page);
  await page.evaluate(() => openStore({ kind: 'indexeddb' }));
  assert.deepEqual((await page.evaluate(() => adopt())).map((a) => a.snapshot), ['{"q":2}']);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('saveSoon: 1,000 changes in a loop cost one write and one getSnapshot call', async () => {
  const { context, page } = await freshPage([COUNT_WRITES]);
  await page.evaluate(() => openStore({ saveDelayMs: 100, maxSaveDelayMs: 300 }));
  const calls = await page.evaluate(async () => {
    let state = 0;
    let reads = 0;
    for (let i = 0; i < 1000; i++) {
      state = i;
      store.saveSoon(() => {
        reads++;
        return `{"state":${state}}`;
      });
    }
    await new Promise((r) => setTimeout(r, 600));
    return { reads, puts: window.__puts, setItems: window.__setItems };
  });
  assert.deepEqual(calls, { reads: 1, puts: 1, setItems: 0 });
  const key = await page.evaluate(() => store.key);
  assert.equal((await page.evaluate((k) => idbRead(k), key)).data, '{"state":999}', 'the write holds the latest state');

  // A steady stream of changes is still written every maxSaveDelayMs, not never.
  const streamed = await page.evaluate(async () => {
    const before = window.__puts;
    const store2 = store;
    for (let i = 0; i < 20; i++) {
      store2.saveSoon(() => `{"stream":${i}}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 400));
    return window.__puts - before;
  });
  assert.ok(streamed >= 3 && streamed <= 6, `1 s of changes every 50 ms (saveDelayMs 100, maxSaveDelayMs 300) wrote ${streamed} times`);
  await context.close();
});

test('close() flushes a pending saveSoon; clearOwn() leaves nothing to adopt', async () => {
  const { context, page } = await freshPage();
  await page.evaluate(() => openStore({ saveDelayMs: 10_000 }));
  await page.evaluate(async () => {
    store.saveSoon(() => '{"pending":"flushed at close"}');
    await store.close();
  });
  await reload(page);
  await page.evaluate(() => openStore());
  const adopted = await page.evaluate(() => adopt());
  assert.deepEqual(adopted.map((a) => a.snapshot), ['{"pending":"flushed at close"}']);
  await page.evaluate(async (k) => {
    await store.save('{"x":1}');
    await store.release(k);
    await store.clearOwn();
    await store.close();
  }, adopted[0].key);
  await reload(page);
  await page.evaluate(() => openStore());
  assert.deepEqual(await page.evaluate(() => adopt()), []);
  await context.close();
});

for (const kind of ['indexeddb', 'localstorage']) {
  test(`${kind}: namespaces on one origin never adopt each other's slots`, async () => {
    const { context, page } = await freshPage();
    await page.evaluate((kind) => openStore({ kind, namespace: 'test' }), kind);
    await page.evaluate(() => store.save('{"ns":"test"}'));
    await page.evaluate(() => store.close());
    await reload(page);
    // Namespace "test:queue:x" writes keys starting with "test:queue:": the
    // uuid check keeps "test" from taking them (localStorage lists by prefix).
    for (const namespace of ['other', 'tes', 'test:queue:x']) {
      await page.evaluate((o) => openStore(o), { kind, namespace });
      assert.deepEqual(await page.evaluate(() => adopt()), [], `namespace ${namespace}`);
      // Left behind for the last check: "test" must not pick these up.
      await page.evaluate((ns) => store.save(JSON.stringify({ ns })), namespace);
      await page.evaluate(() => store.close());
    }
    await page.evaluate((kind) => openStore({ kind, namespace: 'test' }), kind);
    assert.deepEqual((await page.evaluate(() => adopt())).map((a) => a.snapshot), ['{"ns":"test"}']);
    await context.close();
  });
}

test('a throwing onWarning handler does not break the store', async () => {
  const { context, page } = await freshPage([NO_INDEXEDDB, NO_LOCALSTORAGE]);
  const result = await page.evaluate(async () => {
    const { openQueueStore } = await import('/dist/storage/index.js');
    let calls = 0;
    const s = await openQueueStore({
      namespace: 'test',
      onWarning: () => {
        calls++;
        throw new Error('app bug');
      },
    });
    return { kind: s.kind, saved: await s.save('{}'), calls };
  });
  assert.deepEqual(result, { kind: 'memory', saved: true, calls: 1 });
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});
