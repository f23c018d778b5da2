// Delivery in real Chromium, the plain cases: a capture becomes a merged
// row in the collector's SQLite, 1,000 updates go out in a few batches, bad
// input throws synchronously and leaves the queue untouched, an unknown
// event becomes one dead letter, and the direct HoneyHive transport (opt-in
// browser key) lands a PUT /v1/events/{id}.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { TEST_API_KEY } from '../../collector/testing.mjs';
import { launchBrowser, waitFor } from './harness.mjs';
import { FAST, assertExactlyOnce, assertNoPageErrors, openDeliveryPage, startDeliveryStack, stats } from './delivery-stack.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function setup(t, options = {}, pageOptions) {
  const stack = await startDeliveryStack();
  const context = await browser.newContext();
  t.after(async () => {
    await context.close();
    await stack.close();
  });
  const page = await openDeliveryPage(context, stack, { delivery: FAST, ...options }, pageOptions);
  return { stack, context, page };
}

test('a capture becomes a row in SQLite holding the merged feedback', async (t) => {
  const { stack, page } = await setup(t);
  const [{ eventId }] = await stack.seed(1);
  const receipts = await page.evaluate((eventId) => [
    client.enrichSpan({ eventId, feedback: { rating: true, comment: 'Spot on', step1: { retry: true } } }),
    client.enrichSpan({ eventId, feedback: { score: 4, step1: { tries: 2 }, edits: [{ value: 'New York' }] } }),
  ], eventId);
  assert.equal(receipts[0].merged, false);
  assert.equal(receipts[1].merged, true, 'the second capture folds into the first, unsent update');
  assert.equal(receipts[1].updateId, receipts[0].updateId);

  const expected = { rating: true, comment: 'Spot on', step1: { retry: true, tries: 2 }, score: 4, edits: [{ value: 'New York' }] };
  await waitFor(() => isDeepStrictEqual(stack.feedbackOf(eventId), expected), { what: 'merged feedback in SQLite' });
  assert.deepEqual(stack.feedbackOf(eventId), expected);
  assert.equal(stack.applied(eventId).length, 1, 'one merged update, one PUT');
  await waitFor(() => page.evaluate(() => window.delivered.length === 1), { what: 'onDelivered' });
  assert.deepEqual(await page.evaluate(() => window.delivered), [{ updateId: receipts[0].updateId, eventId }]);
  const s = await stats(page);
  assert.deepEqual({ ...s, persistence: undefined }, { queued: 0, inFlight: 0, waitingForSession: 0, sent: 1, retried: 0, dropped: 0, deadLettered: 0, persistence: undefined });
  assert.equal(s.persistence, 'indexeddb');
  await assertExactlyOnce(stack, [eventId]);
  t.diagnostic(`page→proxy requests: ${page.feedbackRequests.length}, proxy→collector PUTs: ${stack.puts().length}`);
  await assertNoPageErrors(page);
});

test('1,000 updates on 50 events arrive batched and merged', async (t) => {
  const { stack, page } = await setup(t);
  const seeded = await stack.seed(50);
  const ids = seeded.map((s) => s.eventId);
  const putsBefore = stack.puts().length;
  const started = Date.now();
  await page.evaluate((ids) => {
    // 20 rounds over the 50 events: each event gets counters that grow,
    // a per-round flag and a last-writer-wins comment.
    for (let round = 0; round < 20; round++) {
      for (const eventId of ids) {
        client.enrichSpan({ eventId, feedback: { score: round, comment: `round ${round}`, [`r${round}`]: true, actions: { copy_count: round + 1 } } });
      }
    }
  }, ids);
  const expected = { score: 19, comment: 'round 19', actions: { copy_count: 20 } };
  for (let r = 0; r < 20; r++) expected[`r${r}`] = true;
  await waitFor(() => ids.every((id) => isDeepStrictEqual(stack.feedbackOf(id), expected)), { what: '50 merged rows', timeoutMs: 20000 });
  const elapsed = Date.now() - started;
  for (const id of ids) {
    assert.deepEqual(stack.feedbackOf(id), expected);
    assert.equal(stack.applied(id).length, 1, `event ${id}: 20 updates merged into one`);
  }
  await waitFor(async () => (await stats(page)).sent === 50, { what: 'stats.sent 50' });
  const s = await stats(page);
  assert.equal(s.queued + s.inFlight, 0);
  assert.equal(s.retried, 0);
  // (Playwright's request events may trail the server by a moment.)
  await waitFor(() => page.feedbackRequests.length >= stack.proxyLog.length, { what: 'request events' });
  const pageRequests = page.feedbackRequests.filter((r) => r.method === 'POST').length;
  const puts = stack.puts().length - putsBefore;
  t.diagnostic(`1,000 updates on 50 events: ${pageRequests} page→proxy request(s), ${puts} proxy→collector PUTs, ${elapsed} ms to land`);
  t.diagnostic(`batch sizes: ${stack.proxyLog.map((e) => e.updates.length).join(', ')}`);
  assert.ok(pageRequests >= 1 && pageRequests <= 5, `at most 5 batches, got ${pageRequests}`);
  assert.equal(pageRequests, stack.proxyLog.length, 'the page saw the same requests the proxy got');
  assert.equal(puts, 50, 'one PUT per event');
  await assertExactlyOnce(stack, ids);
  await assertNoPageErrors(page);
});

test('bad input throws FeedbackValidationError with path and code; the queue is untouched', async (t) => {
  // A long flush interval keeps the good update queued while the bad ones are tried.
  const { stack, page } = await setup(t, { delivery: { ...FAST, flushIntervalMs: 60000, flushAtUpdates: 1000 } });
  const [{ eventId }] = await stack.seed(1);
  const out = await page.evaluate((eventId) => {
    client.enrichSpan({ eventId, feedback: { rating: true } });
    const before = JSON.stringify(client.pending());
    const attempt = (args) => {
      try {
        client.enrichSpan(args);
        return { threw: false };
      } catch (e) {
        return {
          threw: true,
          isValidationError: e instanceof FeedbackValidationError,
          name: e.name,
          code: e.code,
          path: e.path,
          errors: e.errors.map(({ path, code }) => ({ path, code })),
          message: e.message,
        };
      }
    };
    const deep = {};
    let cur = deep;
    for (let i = 0; i < 7; i++) cur = cur.a = {};
    const circular = { rating: true };
    circular.self = circular;
    const results = {
      nan: attempt({ eventId, feedback: { score: NaN } }),
      nul: attempt({ eventId, feedback: { comment: null } }),
      deep: attempt({ eventId, feedback: deep }),
      arrays: attempt({ eventId, feedback: { m: [[[1]]] } }),
      dotKey: attempt({ eventId, feedback: { 'a.b': 1 } }),
      circular: attempt({ eventId, feedback: circular }),
      groundTruth: attempt({ eventId, feedback: { ground_truth: 5 } }),
      notObject: attempt({ eventId, feedback: 'good' }),
      badId: attempt({ eventId: 'not-a-uuid', feedback: { rating: true } }),
      date: attempt({ eventId, feedback: { when: new Date(0) } }),
    };
    return { before, after: JSON.stringify(client.pending()), results, stats: client.stats() };
  }, eventId);
  assert.equal(out.after, out.before, 'pending() byte-identical after the throws');
  const expect = {
    nan: ['feedback.score', 'non_finite_number'],
    nul: ['feedback.comment', 'null_value'],
    deep: ['feedback.a.a.a.a.a.a', 'max_object_depth'],
    arrays: ['feedback.m.0.0', 'max_array_depth'],
    dotKey: ['feedback.a.b', 'key_contains_dot'],
    circular: ['feedback.self', 'circular_reference'],
    groundTruth: ['feedback.ground_truth', 'wrong_type'],
    notObject: ['feedback', 'not_an_object'],
    badId: ['eventId', 'invalid_id'],
    date: ['feedback.when', 'not_plain_object'],
  };
  for (const [name, [path, code]] of Object.entries(expect)) {
    const r = out.results[name];
    assert.equal(r.threw, true, `${name} must throw`);
    assert.equal(r.isValidationError, true, `${name}: a FeedbackValidationError`);
    assert.equal(r.code, 'invalid_feedback', name);
    assert.equal(r.path, path, `${name}: path (${r.message})`);
    assert.ok(r.errors.some((e) => e.path === path && e.code === code), `${name}: ${code} at ${path}, got ${JSON.stringify(r.errors)}`);
    assert.ok(r.message.includes(path), `${name}: the message names the path: ${r.message}`);
  }
  assert.equal(out.stats.queued, 1);
  assert.equal(out.stats.dropped, 0, 'a refused capture is not a dropped update');
  // The good update still goes out, unchanged.
  const report = await page.evaluate(() => client.flush());
  assert.deepEqual(report, { delivered: 1, retrying: 0, deadLettered: 0, queued: 0 });
  assert.deepEqual(stack.feedbackOf(eventId), { rating: true });
  assert.equal(stack.applied(eventId).length, 1);
  await assertNoPageErrors(page);
});

test('onError gets one dead letter for an event the collector does not know (404), past the settle window', async (t) => {
  // unknownEventRetryMs 0: no settle window, so the first 404 is final
  // (inside the window a 404 is retried: tests/js/unknown-event.test.mjs).
  const { stack, page } = await setup(t, { delivery: { ...FAST, unknownEventRetryMs: 0 } });
  const [{ eventId }] = await stack.seed(1);
  const unknown = '0c0ffee0-0000-4000-8000-000000000404';
  const receipt = await page.evaluate(({ unknown, eventId }) => {
    client.enrichSpan({ eventId, feedback: { rating: true } });
    return client.enrichSpan({ eventId: unknown, feedback: { rating: false, comment: 'lost' } });
  }, { unknown, eventId });
  await waitFor(() => page.evaluate(() => window.errors.length > 0), { what: 'onError' });
  await waitFor(() => isDeepStrictEqual(stack.feedbackOf(eventId), { rating: true }), { what: 'the known event delivered' });
  // Give a wrongly retried 404 time to come back (retries start at 50 ms).
  await page.waitForTimeout(600);
  const errors = await page.evaluate(() => window.errors);
  assert.equal(errors.length, 1, `exactly one error, got ${JSON.stringify(errors)}`);
  assert.deepEqual(
    { code: errors[0].code, updateId: errors[0].updateId, eventId: errors[0].eventId, status: errors[0].status, feedback: errors[0].feedback },
    { code: 'unknown_event', updateId: receipt.updateId, eventId: unknown, status: 404, feedback: { rating: false, comment: 'lost' } },
  );
  const puts404 = stack.puts().filter((r) => r.event_id === unknown);
  assert.equal(puts404.length, 1, 'a 404 past the window is not retried');
  assert.equal(puts404[0].status, 404);
  assert.equal(stack.event(unknown), undefined);
  const s = await stats(page);
  assert.equal(s.deadLettered, 1);
  assert.equal(s.sent, 1);
  assert.equal(s.queued + s.inFlight, 0);
  await assertNoPageErrors(page);
});

test('direct honeyhive transport: refused without consent, lands a PUT /v1/events/{id} with it', async (t) => {
  const { stack, page } = await setup(t, {}, { manual: true });
  const [{ eventId }] = await stack.seed(1);
  const direct = { transport: 'honeyhive', apiKey: TEST_API_KEY, serverUrl: stack.collector.url, delivery: FAST };
  const refused = await page.evaluate((o) => startError(o), direct);
  assert.equal(refused?.code, 'browser_key_refused', JSON.stringify(refused));
  assert.equal(refused.isTraceFeedbackError, true);
  assert.equal(await page.evaluate(() => window.client), undefined);

  const putsBefore = stack.puts().length;
  const ok = await page.evaluate((o) => startError({ ...o, dangerouslyAllowBrowserKey: true }), direct);
  assert.equal(ok, null);
  assert.ok(page.consoleLines.some((l) => l.startsWith('warning:') && l.includes('dangerouslyAllowBrowserKey')), 'warns about the key');
  await page.evaluate((eventId) => {
    client.enrichSpan({ eventId, feedback: { rating: true } });
    client.enrichSpan({ eventId, feedback: { comment: 'direct' } });
  }, eventId);
  await waitFor(() => isDeepStrictEqual(stack.feedbackOf(eventId), { rating: true, comment: 'direct' }), { what: 'direct PUT landed' });
  const puts = stack.puts().slice(putsBefore);
  assert.equal(puts.length, 1);
  assert.equal(puts[0].path, `/v1/events/${eventId}`);
  assert.equal(puts[0].status, 200);
  assert.equal(stack.proxyLog.length, 0, 'nothing went through the proxy');
  await waitFor(async () => (await stats(page)).sent === 1, { what: 'stats.sent' });
  await assertNoPageErrors(page);
});

test('session feedback waits for the session, then lands on the session row; a reload reports what never learned its session', async (t) => {
  const { stack, page } = await setup(t);
  const [{ sessionId }] = await stack.seed(1);
  const r = await page.evaluate(() => client.enrichSession({ feedback: { rating: true } }));
  assert.equal(r.waitingForSession, true);
  await page.waitForTimeout(300);
  assert.equal(stack.proxyLog.length, 0, 'nothing sent without a session');
  assert.equal((await stats(page)).waitingForSession, 1);
  // The backend's answer carries the session in W3C baggage.
  await page.evaluate((sessionId) => client.linkFromResponse(new Headers({ baggage: `session_id=${sessionId},other=1` })), sessionId);
  await waitFor(() => isDeepStrictEqual(stack.feedbackOf(sessionId), { rating: true }), { what: 'session feedback' });
  assert.equal(await page.evaluate(() => client.sessionId), sessionId);

  // Captured for a session this page never learns, then the page reloads:
  // the next load must not guess the session, and must say so.
  await page.evaluate(() => window.client.close());
  await page.evaluate(() => start());
  await page.evaluate(() => client.enrichSession({ feedback: { comment: 'orphan' } }));
  await page.reload();
  await waitFor(() => page.evaluate(() => window.ready === true), { what: 'reloaded page' });
  await waitFor(() => page.evaluate(() => window.errors.length > 0), { what: 'onError for the orphaned session feedback' });
  const errors = await page.evaluate(() => window.errors);
  assert.deepEqual(errors.map((e) => [e.code, e.feedback]), [['orphaned_session', { comment: 'orphan' }]]);
  assert.equal((await stats(page)).deadLettered, 1);
  assert.equal(stack.applied(sessionId).length, 1, 'only the first session update landed');
  await assertNoPageErrors(page);
});

