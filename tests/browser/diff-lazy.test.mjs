// The edit diff as its own module (trace_feedback_diff.wasm) in Chromium,
// through the real proxy into the collector: createFeedback() fetches it only
// on the first edit() (streamed) and replays the edit; a failed fetch goes to
// onError and the next edit() retries, with no edit lost; a client's sync
// diff() before loadDiff() names `await client.loadDiff()`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getEvent } from '../../collector/server.mjs';
import { launchBrowser, openPage, startStack, waitFor } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const served = [];
// The single-file build from a bare static folder: the script and both .wasm side by side.
const PAGE = `<!doctype html><meta charset="utf-8"><title>script tag</title>
<script src="trace-feedback.js"></script>
<script>
  const q = new URLSearchParams(location.search);
  window.errors = [];
  const feedback = TraceFeedback.createFeedback({ endpoint: '/feedback', persistence: 'memory', onError: (e) => window.errors.push(e.code) });
  feedback.edit(q.get('event'), 'I live in NYC.', 'I live in New York.');
  window.result = feedback.ready.then(() => feedback.flush());
</script>`;

let browser;
let stack;
before(async () => {
  browser = await launchBrowser();
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const routes = { '/static/index.html': (req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE) };
  for (const f of ['trace-feedback.js', 'trace_feedback_core.wasm', 'trace_feedback_diff.wasm']) {
    routes[`/static/${f}`] = (req, res) => {
      served.push(f);
      res.writeHead(200, { 'content-type': types[f.slice(f.lastIndexOf('.'))] }).end(readFileSync(join(ROOT, 'dist/browser', f)));
    };
  }
  stack = await startStack({ routes });
});
after(async () => {
  await browser?.close();
  await stack?.close();
});

async function open(t, mode, { failFirstDiffFetch = false } = {}) {
  const { eventId } = await stack.collector.client.seedSession(`diff ${mode}`);
  const context = await browser.newContext();
  t.after(() => context.close());
  // Counted where the browser asks for it: a resource-timing entry for the
  // 503 (whose body the loader never reads) can land after the page reports.
  let diffRequests = 0;
  if (failFirstDiffFetch) {
    await context.route('**/trace_feedback_diff.wasm', (route) => (++diffRequests === 1 ? route.fulfill({ status: 503, body: 'busy' }) : route.continue()));
  }
  const page = await openPage(context, `${stack.url}/tests/browser/pages/diff-lazy.html?mode=${mode}&event=${eventId}`);
  await page.waitForFunction(() => window.result !== undefined);
  const result = await page.evaluate(() => window.result);
  assert.equal(result.failed, undefined, result.failed);
  return { page, result, eventId, diffRequests };
}

test('createFeedback fetches the diff module on the first edit, streamed, and replays the edit', async (t) => {
  const { page, result, eventId } = await open(t, 'lazy');
  assert.equal(result.diffFetchedWithCore, 0, 'not fetched with the core');
  assert.equal(result.editReturned, 'recorded');
  assert.equal(result.diffFetches, 1);
  assert.ok(result.streamed >= 2, 'core and diff module both compiled as they streamed');
  assert.deepEqual(result.errors, []);
  await waitFor(() => getEvent(stack.collector.db, eventId)?.feedback?.edits, { what: 'edit feedback in SQLite' });
  const fb = getEvent(stack.collector.db, eventId).feedback;
  assert.deepEqual(fb.edits, [{ at: 10, from: 'NYC', op: 'replace', value: 'New York' }]);
  assert.equal(fb.edit_stats.edit_distance, 7);
  assert.equal(fb.actions.edit_count, 1);
  assert.equal(fb.rating, true);
  assert.deepEqual(page.pageErrors, []);
});

test('createFeedback: attach() fetches the diff module (editable answers need it) without any edit', async (t) => {
  const { page, result } = await open(t, 'attach');
  assert.equal(result.diffFetchedWithCore, 0, 'not fetched with the core');
  assert.equal(result.diffFetches, 1, 'fetched once attach() wired the page');
  assert.deepEqual(result.errors, []);
  assert.deepEqual(page.pageErrors, []);
});

test('a failed diff fetch goes to onError and the next edit retries; no edit is lost', async (t) => {
  const { page, result, eventId, diffRequests } = await open(t, 'retry', { failFirstDiffFetch: true });
  const failures = result.errors.filter((e) => e.code === 'wasm_load_failed');
  assert.equal(failures.length, 1, JSON.stringify(result.errors));
  assert.match(failures[0].message, /trace_feedback_diff\.wasm/);
  assert.equal(diffRequests, 2, 'fetched again on the next use');
  await waitFor(() => getEvent(stack.collector.db, eventId)?.feedback?.actions?.edit_count === 2, { what: 'both edits in SQLite' });
  const fb = getEvent(stack.collector.db, eventId).feedback;
  assert.deepEqual(fb.edits, [{ at: 10, from: 'NYC', op: 'replace', value: 'New York City' }], 'the later edit last: in order');
  assert.deepEqual(page.pageErrors, []);
});

test("a client's sync diff() and edit() before loadDiff() throw not_initialized naming loadDiff", async (t) => {
  const { page, result } = await open(t, 'sync');
  assert.equal(result.syncError.name, 'TraceFeedbackError');
  assert.equal(result.syncError.code, 'not_initialized');
  assert.match(result.syncError.message, /await client\.loadDiff\(\)/);
  assert.equal(result.syncEditError, 'not_initialized');
  assert.deepEqual(result.afterLoad, [{ at: 10, from: 'NYC', op: 'replace', value: 'New York' }]);
  assert.deepEqual(page.pageErrors, []);
});

test('the single-file <script> build fetches the diff module from beside the script', async (t) => {
  const { eventId } = await stack.collector.client.seedSession('diff script tag');
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await openPage(context, `${stack.url}/static/index.html?event=${eventId}`);
  await page.waitForFunction(() => window.result !== undefined);
  const report = await page.evaluate(() => window.result);
  assert.equal(report.delivered, 1);
  assert.ok(served.includes('trace_feedback_diff.wasm'), `served: ${served.join(', ')}`);
  assert.deepEqual(await page.evaluate(() => window.errors), []);
  await waitFor(() => getEvent(stack.collector.db, eventId)?.feedback?.edits, { what: 'edit feedback in SQLite' });
  assert.deepEqual(getEvent(stack.collector.db, eventId).feedback.edits, [{ at: 10, from: 'NYC', op: 'replace', value: 'New York' }]);
  assert.deepEqual(page.pageErrors, []);
});
