// Feedback before the span exists, end to end in Chromium: the page rates an
// answer 100 ms after it appears, while the answer's span still sits in the
// backend's batch span processor and the collector lags ingestion by 3 s
// (as HoneyHive ingests asynchronously). The first PUTs meet 404; the
// engine's settle window (delivery.unknownEventRetryMs) retries them; the
// rating is delivered exactly once and the merged event in SQLite holds the
// backend's span feedback and the page's rating. RELIABILITY.md, "Feedback
// before the span exists".

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startDemo } from '../../examples/chat/server.mjs';
import { launchBrowser, openPage, waitFor } from './harness.mjs';

/** The collector's ingest lag, as in the demo. */
const LAG_MS = 3000;
/** The exporter's schedule delay: the span leaves the backend this long after it ends. */
const EXPORT_DELAY_MS = 1000;

let dir;
let demo;
let browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trace-feedback-early-'));
  demo = await startDemo({ dbPath: join(dir, 'demo.sqlite'), ingestLagMs: LAG_MS, exportDelayMs: EXPORT_DELAY_MS, quiet: true });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await demo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** @param {string} sql @param {...unknown} params */
function rows(sql, ...params) {
  const db = new Database(demo.collector.dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params);
  } finally {
    db.close();
  }
}

test('a thumbs-up 100 ms after the answer, before its span exists, lands once on the merged event', async (t) => {
  const context = await browser.newContext();
  const page = await openPage(context, `${demo.url}/`);
  await page.waitForFunction(() => Boolean(window.feedbackClient), null, { timeout: 15000 });
  const delivered = [];
  await page.exposeFunction('__delivered', (/** @type {unknown} */ d) => { delivered.push(d); });
  await page.evaluate(() => {
    window.__errors = [];
    window.feedbackClient.onDelivered((d) => window.__delivered(JSON.parse(JSON.stringify(d))));
    window.feedbackClient.onError((e) => window.__errors.push({ code: e.code, message: e.message }));
  });

  await page.fill('#question', 'What is the capital of New York?');
  await page.press('#question', 'Enter');
  const answer = page.locator('article.answer').first();
  await answer.locator('.answer-text').filter({ hasText: 'Albany' }).waitFor();
  const shownAt = Date.now();
  const eventId = await answer.getAttribute('data-feedback-event');
  assert.match(eventId, /^[0-9a-f-]{36}$/);

  await page.waitForTimeout(100);
  await answer.locator('[data-feedback="rating"][data-feedback-value="up"]').click();
  const ratedAt = Date.now();
  // The premise: at the click the span is not in the collector and has not even been exported.
  assert.equal(rows('SELECT 1 FROM events WHERE event_id = ?', eventId).length, 0, 'no event yet when rated');
  assert.equal(rows("SELECT 1 FROM requests WHERE path = '/opentelemetry/v1/traces'").length, 0, 'span still in the backend\'s exporter');
  t.diagnostic(`rated ${ratedAt - shownAt} ms after the answer appeared`);

  const feedback = await waitFor(() => {
    const [r] = rows('SELECT feedback FROM events WHERE event_id = ?', eventId);
    const f = r && JSON.parse(r.feedback);
    return f?.rating === true ? f : undefined;
  }, { timeoutMs: 45000, intervalMs: 100, what: 'the rating on the event' }).catch(async (err) => {
    // Say why: a client that dead-letters the first 404 (no settle window) shows up here.
    const why = await page.evaluate(() => ({ stats: window.feedbackClient.stats(), errors: window.__errors }));
    const puts = rows("SELECT status FROM requests WHERE method = 'PUT' AND event_id = ?", eventId).map((r) => r.status);
    throw new Error(`${err.message}; PUT statuses ${JSON.stringify(puts)}; client ${JSON.stringify(why)}`);
  });
  const landedAt = Date.now();
  t.diagnostic(`rating stored ${landedAt - ratedAt} ms after the click (export delay ${EXPORT_DELAY_MS} ms + ingest lag ${LAG_MS} ms)`);
  assert.ok(feedback, 'the rating reached the event');
  assert.equal(feedback.backend?.known_question, true, 'the backend\'s span feedback is on the same event');
  assert.equal(feedback.ground_truth, 'The capital of New York is Albany');

  // Exactly once: one accepted update carrying the rating, after one or more 404s.
  const puts = rows("SELECT status FROM requests WHERE method = 'PUT' AND event_id = ? ORDER BY seq", eventId).map((r) => r.status);
  t.diagnostic(`PUT statuses for the answer: ${puts.join(', ')}`);
  assert.ok(puts.length >= 2 && puts[0] === 404, `met "not yet" first: ${puts}`);
  assert.equal(puts.filter((s) => s === 200).length, 1, `one PUT applied: ${puts}`);
  assert.equal(puts.at(-1), 200);
  const applied = rows('SELECT body FROM updates WHERE event_id = ?', eventId).map((r) => JSON.parse(r.body));
  assert.equal(applied.filter((b) => b.feedback?.rating === true).length, 1, 'applied once');

  await waitFor(() => delivered.length > 0 || undefined, { timeoutMs: 5000 });
  const stats = await page.evaluate(() => window.feedbackClient.stats());
  assert.equal(stats.deadLettered, 0);
  assert.equal(stats.queued, 0);
  const errors = await page.evaluate(() => window.__errors);
  assert.ok(!errors.some((e) => e.code === 'unknown_event'), `no unknown_event report inside the window: ${JSON.stringify(errors)}`);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});
