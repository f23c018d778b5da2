// The loader facade in Chromium: calls made before the page's load event
// are recorded (nothing of the client, the core or the wasm fetched yet),
// then the rest loads after `load` (the .wasm compiled as it streams), replays them
// in order, and the feedback lands in the collector through the real proxy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { getEvent } from '../../collector/server.mjs';
import { launchBrowser, openPage, startStack, waitFor } from './harness.mjs';

let browser;
let stack;
before(async () => {
  browser = await launchBrowser();
  // The image keeps `load` 300 ms after the module script has run.
  stack = await startStack({
    routes: {
      '/tests/browser/pages/slow.png': (req, res) => setTimeout(() => res.writeHead(404).end(), 300),
    },
  });
});
after(async () => {
  await browser?.close();
  await stack?.close();
});

test('calls recorded before load are replayed in order and reach the collector', async (t) => {
  const { eventId, sessionId } = await stack.collector.client.seedSession('facade');
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await openPage(context, `${stack.url}/tests/browser/pages/facade.html?event=${eventId}&session=${sessionId}`);
  await page.waitForFunction(() => window.result !== undefined);
  const result = await page.evaluate(() => window.result);
  const atScript = await page.evaluate(() => window.atScript);
  assert.notEqual(atScript.readyState, 'complete', 'the calls were made before load');
  assert.equal(atScript.client, 'none');
  for (const heavy of ['/dist/client.js', '/dist/trace_feedback_core.mjs', '/dist/trace_feedback_core.wasm', '/dist/entry/start.js']) {
    assert.ok(!atScript.fetched.includes(heavy), `${heavy} not fetched before the calls`);
  }
  assert.equal(await page.evaluate(() => window.recordedQueued), 6);
  assert.equal(result.streamed, 1, 'the wasm was compiled as it downloaded, once');
  assert.equal(result.errors.length, 1, 'the bad recorded call went to onError');
  assert.equal(result.errors[0].code, 'invalid_feedback');
  const db = stack.collector.db;
  const expected = { rating: false, rating_withdrawn: false, comment: 'recorded before load' };
  await waitFor(() => isDeepStrictEqual(getEvent(db, eventId)?.feedback, expected), { what: 'span feedback in SQLite' });
  assert.deepEqual(getEvent(db, eventId).feedback, expected, 'down after up: replayed in order');
  t.diagnostic(`flush: ${JSON.stringify(result.report)}; fetched before load: ${atScript.fetched.length} resources`);
  assert.deepEqual(page.pageErrors, []);
});

test('with no call before load, the rest is fetched only after the load event', async (t) => {
  const { eventId, sessionId } = await stack.collector.client.seedSession('facade idle');
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await openPage(context, `${stack.url}/tests/browser/pages/facade.html?idle&event=${eventId}&session=${sessionId}`);
  await page.waitForFunction(() => window.result !== undefined);
  const result = await page.evaluate(() => window.result);
  assert.ok(result.startFetchedAt >= result.loadEventStart, `fetched at ${result.startFetchedAt} ms, load at ${result.loadEventStart} ms`);
  assert.ok(result.loadEventStart > 250, 'the slow image held the load event back');
  t.diagnostic(`load event at ${result.loadEventStart.toFixed(0)} ms, lazy part fetched at ${result.startFetchedAt.toFixed(0)} ms`);
  await waitFor(() => getEvent(stack.collector.db, eventId)?.feedback?.comment === 'recorded before load', { what: 'feedback in SQLite' });
  assert.deepEqual(page.pageErrors, []);
});
