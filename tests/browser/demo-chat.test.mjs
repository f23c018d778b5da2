// The demo end to end in Chromium: a user asks, rates, stars, comments,
// copies (a selection with Ctrl+C, then the Copy button), regenerates and
// edits the answer in the real chat page, which is wired only by attributes;
// then the collector's SQLite rows must hold each signal on the answer's
// span, beside the feedback the traced backend set on the span itself, and
// the dashboard must chart them. The backend's spans arrive by OTLP; this
// test waits for each span before rating it (the rate-before-the-span path
// is demo-early-feedback.test.mjs). Screenshots go to test-artifacts/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startDemo } from '../../examples/chat/server.mjs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ARTIFACTS, launchBrowser, openPage } from './harness.mjs';

const SHOTS = join(ARTIFACTS, 'screenshots');
const QUESTION = 'What is the capital of New York?';
const COMMENT = 'Right answer, but say New York City in full.';

let dir;
let demo;
let browser;
let context;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'trace-feedback-demo-chat-'));
  demo = await startDemo({ dbPath: join(dir, 'demo.sqlite'), exportDelayMs: 50, quiet: true });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.url });
});
after(async () => {
  await browser?.close();
  await demo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The collector's rows, read from its SQLite file as a HoneyHive user would query them. */
function rows(sql, ...params) {
  const db = new Database(demo.collector.dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params).map((r) => ({
      ...r,
      ...(r.feedback === undefined ? {} : { feedback: JSON.parse(r.feedback) }),
      ...(r.metadata === undefined ? {} : { metadata: JSON.parse(r.metadata) }),
    }));
  } finally {
    db.close();
  }
}

/** Waits until the backend's spans for these event ids are in the collector. */
async function spansArrived(...eventIds) {
  await demo.flushSpans();
  const end = Date.now() + 10000;
  while (Date.now() < end) {
    if (eventIds.every((id) => rows('SELECT 1 FROM events WHERE event_id = ?', id).length === 1)) return;
    await sleep(50);
  }
  assert.fail(`spans ${eventIds.join(', ')} never arrived`);
}

test('every explicit and implicit signal from the chat page lands on the answer\'s span', async (t) => {
  const t0 = Date.now();
  const page = await openPage(context, `${demo.url}/`);
  await page.waitForFunction(() => Boolean(window.feedbackClient), null, { timeout: 15000 });
  t.diagnostic(`page load + wasm init: ${Date.now() - t0} ms`);

  // Ask.
  await page.fill('#question', QUESTION);
  await page.press('#question', 'Enter');
  const first = page.locator('article.answer').first();
  await first.locator('.answer-text').filter({ hasText: 'Albany' }).waitFor();
  const eventId = await first.getAttribute('data-feedback-event');
  assert.match(eventId, /^[0-9a-f-]{36}$/);
  await spansArrived(eventId);
  const sessionId = await page.evaluate(() => window.feedbackClient.sessionId);
  assert.equal(sessionId, rows('SELECT session_id FROM events WHERE event_id = ?', eventId)[0].session_id,
    'linkFromResponse took the session from the baggage header');

  // Explicit: thumb, four stars, a comment.
  await first.locator('[data-feedback="rating"][data-feedback-value="up"]').click();
  assert.equal(await first.locator('[data-feedback="rating"][data-feedback-value="up"]').getAttribute('aria-pressed'), 'true');
  await first.locator('[data-feedback="score"][data-feedback-value="4"]').click();
  assert.equal(await first.locator('[data-feedback="score"][data-feedback-value="4"]').getAttribute('aria-pressed'), 'true');
  await first.locator('textarea[name="comment"]').fill(COMMENT);
  await first.locator('form.comment button[type="submit"]').click();
  await first.locator('.note').filter({ hasText: 'Comment sent' }).waitFor();
  assert.equal(page.url(), `${demo.url}/`, 'the comment form did not navigate');

  // Implicit: select "Albany" in the answer and press Ctrl+C (a real copy event).
  await page.evaluate(() => {
    const text = document.querySelector('article.answer .answer-text').firstChild;
    const start = text.textContent.indexOf('Albany');
    const range = document.createRange();
    range.setStart(text, start);
    range.setEnd(text, start + 'Albany'.length);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  });
  // The listener is in place (awaited) before the key press: started in the
  // same breath, the press could reach the page first under load.
  await page.evaluate(() => {
    window.__copyFired = false;
    document.addEventListener('copy', () => { window.__copyFired = true; }, { once: true });
  });
  await page.keyboard.press('Control+C');
  await page.waitForFunction(() => window.__copyFired === true, null, { timeout: 3000 }).catch(() => {});
  assert.equal(await page.evaluate(() => window.__copyFired), true, 'Ctrl+C fired a copy event');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'Albany');

  // The Copy button: the page writes the clipboard, the attribute records it.
  const answerText = await first.locator('.answer-text').innerText();
  await first.locator('button.copy').click();
  await first.locator('.note').filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), answerText);

  // Regenerate: a second answer in a new span.
  await first.locator('button.regenerate').click();
  await page.locator('article.answer').nth(1).waitFor();
  const regeneratedId = await page.locator('article.answer').nth(1).getAttribute('data-feedback-event');
  assert.notEqual(regeneratedId, eventId);
  await spansArrived(regeneratedId);

  // Edit the first answer: NYC → New York (the seed's example), then blur.
  const editable = first.locator('.answer-text');
  await editable.click();
  await page.evaluate(() => {
    const el = document.querySelector('article.answer .answer-text');
    const text = el.firstChild;
    const start = text.textContent.indexOf('NYC');
    const range = document.createRange();
    range.setStart(text, start);
    range.setEnd(text, start + 3);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  });
  await page.keyboard.type('New York');
  await page.locator('.intro').click(); // blur: the edit is diffed and queued
  assert.match(await editable.innerText(), /north of New York\.$/);

  // Outside any answer: feedback on the whole session (enrichSession).
  await page.locator('#session-feedback [data-feedback="helpful"][data-feedback-value="true"]').click();

  const tFlush = Date.now();
  const report = await page.evaluate(() => window.feedbackClient.flush());
  t.diagnostic(`flush: ${Date.now() - tFlush} ms, report ${JSON.stringify(report)}`);
  await page.screenshot({ path: join(SHOTS, 'demo-chat.png'), fullPage: true });

  const [row] = rows('SELECT * FROM events WHERE event_id = ?', eventId);
  const fb = row.feedback;
  t.diagnostic(`stored feedback: ${JSON.stringify(fb)}`);
  assert.equal(fb.rating, true);
  assert.equal(fb.score, 4);
  assert.equal(fb.comment, COMMENT);
  assert.equal(fb.actions?.copied, true);
  assert.equal(fb.actions?.copy_count, 2, 'one Ctrl+C and one Copy button');
  assert.ok(fb.actions?.copied_fraction > 0 && fb.actions.copied_fraction <= 1, 'copied_fraction in (0, 1]');
  assert.equal(fb.actions?.regenerated, true);
  assert.equal(fb.actions?.edited, true);
  assert.ok(Array.isArray(fb.edits) && fb.edits.length > 0, 'edits recorded');
  assert.ok(JSON.stringify(fb.edits).includes('New York'), 'the edit carries the new text');
  assert.equal(typeof fb.edit_stats, 'object');
  assert.equal(fb.backend?.known_question, true, 'the backend\'s span feedback is kept beside the page\'s');
  assert.equal(fb.ground_truth, 'The capital of New York is Albany');
  const [regen] = rows('SELECT * FROM events WHERE event_id = ?', regeneratedId);
  assert.equal(regen.metadata.regenerated_from, eventId);
  assert.equal(regen.session_id, sessionId);
  const [session] = rows('SELECT * FROM events WHERE event_id = ?', sessionId);
  assert.equal(session.event_type, 'session');
  assert.deepEqual(session.feedback, { helpful: true }, 'session-level control → session feedback');

  // Delivery went through the proxy only, without failures.
  const puts = rows("SELECT status FROM requests WHERE method = 'PUT'");
  t.diagnostic(`collector PUTs for ${Object.keys(fb).length} feedback keys: ${puts.length}`);
  assert.ok(puts.length >= 1);
  assert.ok(puts.every((r) => r.status === 200), JSON.stringify(puts));
  const stats = await page.evaluate(() => window.feedbackClient.stats());
  assert.equal(stats.queued, 0);
  assert.equal(stats.deadLettered, 0);
  assert.deepEqual(page.pageErrors, []);
});

test('the dashboard charts the stored feedback and drills into nested paths', async () => {
  const page = await openPage(context, `${demo.url}/dashboard`);
  const rating = page.locator('svg[data-path="feedback.rating"]');
  await rating.waitFor({ timeout: 15000 });
  assert.equal(await rating.getAttribute('data-true-pct'), '100');
  assert.match(await rating.textContent(), /100% true/);
  const score = page.locator('section.card[data-path="feedback.score"]');
  assert.equal(await score.locator('svg.chart-number').count(), 1);
  assert.equal(await score.locator('[data-measure="avg"]').textContent(), '4');
  assert.equal(await score.locator('[data-measure="p99"]').textContent(), '4');
  assert.equal(await page.locator('section.card[data-path="feedback.comment"] svg.chart-string').count(), 1);
  assert.equal(await page.locator('svg[data-path="feedback.actions.copied"]').getAttribute('data-true-pct'), '100');
  assert.ok(await page.locator('section.card[data-path^="feedback.edits.0."]').count() >= 1, 'array elements drill down by index');
  assert.equal(await page.locator('section.card[data-path="feedback.edit_stats.similarity"], section.card[data-path^="feedback.edit_stats."]').count() >= 1, true);
  // Per span: the merged feedback JSON, the backend's and the page's side by side.
  const merged = await page.locator('.sessions tr[data-event] pre.feedback-json').first().textContent();
  assert.match(merged, /"rating": true/);
  assert.match(merged, /"ground_truth": "The capital of New York is Albany"/);
  assert.match(await page.locator('.sessions details').first().locator('p pre.feedback-json').textContent(), /"helpful": true/);
  await page.screenshot({ path: join(SHOTS, 'demo-dashboard.png'), fullPage: true });

  // Drill into feedback.actions: only its leaves remain.
  await page.selectOption('#path', 'feedback.actions');
  await page.waitForFunction(() => [...document.querySelectorAll('section.card')].every((c) => c.dataset.path.startsWith('feedback.actions.')));
  const paths = await page.locator('section.card').evaluateAll((cards) => cards.map((c) => c.dataset.path));
  assert.ok(paths.includes('feedback.actions.copy_count'));
  assert.ok(!paths.includes('feedback.rating'));
  await page.screenshot({ path: join(SHOTS, 'demo-dashboard-actions.png'), fullPage: true });

  // Per answer: the page's signals (sent in several PUTs) and the backend's span feedback, told apart.
  await page.selectOption('#path', 'feedback');
  await page.selectOption('#group', 'answer');
  const card = page.locator('section.answer-card').filter({ hasText: COMMENT }).first();
  await card.waitFor();
  for (const p of ['feedback.rating', 'feedback.score', 'feedback.comment', 'feedback.actions.copied', 'feedback.actions.regenerated']) {
    assert.equal(await card.locator(`tr[data-path="${p}"]`).getAttribute('data-origin'), 'page', p);
  }
  assert.equal(await card.locator('tr[data-path="feedback.ground_truth"]').getAttribute('data-origin'), 'span');
  await page.screenshot({ path: join(SHOTS, 'demo-dashboard-answers.png'), fullPage: true });
  assert.deepEqual(page.pageErrors, []);
});

test('with more traffic the dashboard measures the spread (percentiles, true %, groups)', async () => {
  // Twelve more answers with feedback sent the way the page's library sends it.
  const questions = ['How do I reverse a list in Python?', 'What does HTTP 429 mean?', 'Write a haiku about debugging'];
  const scores = [5, 3, 4, 2, 5, 5, 1, 4, 3, 5, 4, 5];
  const updates = [];
  for (let i = 0; i < scores.length; i++) {
    const res = await fetch(`${demo.url}/api/chat`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: questions[i % 3] }),
    });
    const { event_id } = await res.json();
    await spansArrived(event_id);
    updates.push({ id: `seed-${i}`, event_id, feedback: { rating: scores[i] >= 3, score: scores[i], ...(i % 4 === 0 ? { comment: ['too long', 'perfect', 'wrong language'][i % 3] } : {}) } });
  }
  const res = await fetch(`${demo.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ updates }) });
  assert.ok((await res.json()).results.every((r) => r.status === 200));

  const page = await openPage(context, `${demo.url}/dashboard?path=feedback`);
  await page.waitForFunction(() => Number(document.body.dataset.loaded) >= 15);
  const score = page.locator('section.card[data-path="feedback.score"]');
  // 4 (from the chat test) + the twelve above: 1 2 3 3 4 4 4 4 5 5 5 5 5
  const measures = Object.fromEntries(await score.locator('td[data-measure]').evaluateAll((tds) => tds.map((td) => [td.dataset.measure, td.textContent])));
  assert.deepEqual(measures, { count: '13', sum: '50', avg: '3.846', median: '4', min: '1', max: '5', p95: '5', p98: '5', p99: '5' });
  // 11 of 13 thumbs up: ten scores >= 3 above, plus the chat test's.
  assert.equal(await page.locator('svg[data-path="feedback.rating"]').getAttribute('data-true-pct'), '84.6');
  await page.screenshot({ path: join(SHOTS, 'demo-dashboard-traffic.png'), fullPage: true });
  assert.deepEqual(page.pageErrors, []);
});
