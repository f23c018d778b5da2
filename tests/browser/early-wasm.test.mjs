// The .wasm files are fetched (and compiled) the moment a load starts, in
// parallel with the import() of the lazy chunk, not after it: in Chromium,
// through the real proxy into the collector. Ordered by Playwright's
// request events, never by timings: the lazy chunk's response is held until
// the .wasm request has been seen (on code that fetches the .wasm from the
// lazy chunk, it never is and the test fails). Requests are counted where
// the browser makes them, not by resource-timing entries (a 503 whose body
// is never read can leave none).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getEvent } from '../../collector/server.mjs';
import { ROOT, launchBrowser, openPage, startStack, waitFor } from './harness.mjs';

const CORE = '/dist/trace_feedback_core.wasm';
const DIFF = '/dist/trace_feedback_diff.wasm';
const START = '/dist/entry/start.js';
const HOLD_MS = 5000;

let browser;
let stack;
before(async () => {
  browser = await launchBrowser();
  const wasm = readFileSync(join(ROOT, 'dist/trace_feedback_core.wasm'));
  stack = await startStack({
    routes: {
      // The core under another name, for wasmUrl, wasmModule and wasmBinary.
      '/assets/core.wasm': (req, res) => res.writeHead(200, { 'content-type': 'application/wasm', 'cache-control': 'no-store' }).end(wasm),
      // A server that does not know the type: compiled from the bytes.
      '/assets/core.bin': (req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' }).end(wasm),
    },
  });
});
after(async () => {
  await browser?.close();
  await stack?.close();
});

/**
 * Opens early-wasm.html?mode=<mode> in a fresh context. `holdStartFor`:
 * .wasm paths whose requests the start chunk's response waits for (up to
 * HOLD_MS). `failFirst`: a path whose first request is answered 503.
 */
async function open(t, mode, { holdStartFor = [], failFirst } = {}) {
  const { eventId } = await stack.collector.client.seedSession(`early ${mode}`);
  const context = await browser.newContext();
  t.after(() => context.close());
  const requests = new Map();
  const waiters = [];
  context.on('request', (req) => {
    const path = new URL(req.url()).pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    for (const w of waiters) w();
  });
  const seen = (path) => (requests.get(path) ?? 0) > 0;
  const hold = { heldFor: [], seenWhileHeld: undefined };
  if (holdStartFor.length) {
    await context.route(`**${START}`, async (route) => {
      const all = () => holdStartFor.every(seen);
      await new Promise((resolve) => {
        if (all()) return resolve();
        const timer = setTimeout(resolve, HOLD_MS);
        waiters.push(() => all() && (clearTimeout(timer), resolve()));
      });
      hold.seenWhileHeld = holdStartFor.filter(seen);
      await route.continue();
    });
  }
  if (failFirst) {
    let n = 0;
    await context.route(`**${failFirst}`, (route) => (++n === 1 ? route.fulfill({ status: 503, body: 'busy' }) : route.continue()));
  }
  const page = await openPage(context, `${stack.url}/tests/browser/pages/early-wasm.html?mode=${mode}&event=${eventId}`);
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 30000 });
  const result = await page.evaluate(() => window.result);
  assert.equal(result.failed, undefined, result.failed);
  const count = (path) => requests.get(path) ?? 0;
  return { page, result, eventId, count, hold };
}

async function feedbackArrives(eventId, mode) {
  await waitFor(() => getEvent(stack.collector.db, eventId)?.feedback?.comment === `early ${mode}`, { what: 'feedback in SQLite' });
}

test('init() requests both .wasm files before the lazy chunk has loaded, each exactly once', async (t) => {
  const { page, result, eventId, count, hold } = await open(t, 'init', { holdStartFor: [CORE, DIFF] });
  assert.deepEqual(hold.seenWhileHeld, [CORE, DIFF], 'both .wasm requested while entry/start.js was still held');
  assert.equal(count(CORE), 1);
  assert.equal(count(DIFF), 1);
  assert.equal(result.receipt, 'accepted');
  assert.equal(result.diff, 1, 'the diff module instantiated from the early compile');
  assert.deepEqual(result.errors, []);
  await feedbackArrives(eventId, 'init');
  assert.deepEqual(page.pageErrors, []);
});

test('createFeedback() requests the core .wasm before the lazy chunk has loaded, once, and not the diff module', async (t) => {
  const { page, result, eventId, count, hold } = await open(t, 'facade', { holdStartFor: [CORE] });
  assert.deepEqual(hold.seenWhileHeld, [CORE], 'core .wasm requested while entry/start.js was still held');
  assert.equal(result.loaded, true);
  assert.equal(result.report.delivered, 1);
  assert.equal(count(CORE), 1);
  assert.equal(count(DIFF), 0, 'the diff module waits for the first edit() or attach()');
  assert.equal(result.diffLoaded, false);
  assert.deepEqual(result.errors, []);
  await feedbackArrives(eventId, 'facade');
  assert.deepEqual(page.pageErrors, []);
});

test('init({ wasmUrl }) fetches that URL early, once, and never the default', async (t) => {
  for (const [mode, path] of [['wasmUrl', '/assets/core.wasm'], ['wasmUrlBytes', '/assets/core.bin']]) {
    const { page, result, eventId, count, hold } = await open(t, mode, { holdStartFor: [path] });
    assert.deepEqual(hold.seenWhileHeld, [path], `${mode}: requested while entry/start.js was held`);
    assert.equal(count(path), 1, mode);
    assert.equal(count(CORE), 0, `${mode}: the default URL is not fetched`);
    assert.equal(result.receipt, 'accepted', mode);
    assert.deepEqual(result.errors, [], mode);
    await feedbackArrives(eventId, mode);
    assert.deepEqual(page.pageErrors, [], mode);
  }
});

test('init({ wasmModule }) and init({ wasmBinary }) win: the loader fetches no core .wasm', async (t) => {
  for (const mode of ['wasmModule', 'wasmBinary']) {
    const { page, result, eventId, count } = await open(t, mode);
    assert.equal(count('/assets/core.wasm'), 1, `${mode}: only the page's own fetch`);
    assert.equal(count(CORE), 0, `${mode}: the default URL is not fetched`);
    assert.equal(count(DIFF), 1, `${mode}: the diff module still loads with init()`);
    assert.equal(result.receipt, 'accepted', mode);
    await feedbackArrives(eventId, mode);
    assert.deepEqual(page.pageErrors, [], mode);
  }
});

test('a failed early fetch rejects init() with wasm_load_failed naming the file and the options; the next init() fetches again', async (t) => {
  const { page, result, eventId, count } = await open(t, 'initRetry', { failFirst: CORE });
  assert.equal(result.firstInit.name, 'TraceFeedbackError');
  assert.equal(result.firstInit.code, 'wasm_load_failed');
  assert.match(result.firstInit.message, /trace_feedback_core\.wasm/);
  assert.match(result.firstInit.message, /503/);
  assert.match(result.firstInit.message, /wasmUrl.*wasmBinary.*wasmModule/);
  assert.equal(count(CORE), 2, 'fetched again, not the rejected promise reused');
  assert.equal(result.receipt, 'accepted');
  await feedbackArrives(eventId, 'initRetry');
  assert.deepEqual(page.pageErrors, []);
});

test("a failed early fetch goes to the facade's onError and its retry fetches again; the recorded call is delivered", async (t) => {
  const { page, result, eventId, count } = await open(t, 'facadeRetry', { failFirst: CORE });
  const failures = result.errors.filter((e) => e.code === 'wasm_load_failed');
  assert.equal(failures.length, 1, JSON.stringify(result.errors));
  assert.match(failures[0].message, /trace_feedback_core\.wasm/);
  assert.match(failures[0].message, /wasmUrl/);
  assert.equal(result.errors.length, 1, JSON.stringify(result.errors));
  assert.equal(count(CORE), 2, 'the retry fetched again');
  assert.equal(result.loaded, true);
  assert.equal(result.report.delivered, 1, 'the call recorded before the failure was replayed');
  await feedbackArrives(eventId, 'facadeRetry');
  assert.deepEqual(page.pageErrors, []);
});
