// The dashboard on a phone (390 px wide, Chromium) and its views: no
// horizontal scroll in any view (document.scrollingElement.scrollWidth <=
// 390, screenshots in test-artifacts/screenshots/), grouping per answer
// (backend-set and page-set feedback on the same event, marked by origin)
// and per session, positional noise paths (edits.N.at) hidden unless
// asked, a number that took one value drawn as that value, and a favicon.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startDemo } from '../../examples/chat/server.mjs';
import { ARTIFACTS, launchBrowser, openPage, waitFor } from './harness.mjs';

const SHOTS = join(ARTIFACTS, 'screenshots');
const WIDTH = 390;

let dir;
let demo;
let browser;
/** @type {string[]} */
const answers = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'trace-feedback-dash-mobile-'));
  demo = await startDemo({ dbPath: join(dir, 'demo.sqlite'), exportDelayMs: 50, quiet: true });
  browser = await launchBrowser();
  // Three answers in one session, rated the way the page's library sends feedback.
  let cookie;
  for (const question of ['What is the capital of New York?', 'What does HTTP 429 mean?', 'Write a haiku about debugging']) {
    const res = await fetch(`${demo.url}/api/chat`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify({ question }),
    });
    cookie = res.headers.get('set-cookie')?.split(';')[0] ?? cookie;
    answers.push((await res.json()).event_id);
  }
  await demo.flushSpans();
  const db = () => new Database(demo.collector.dbPath, { readonly: true });
  await waitFor(() => {
    const d = db();
    try { return answers.every((id) => d.prepare('SELECT 1 FROM events WHERE event_id = ?').get(id)); } finally { d.close(); }
  }, { what: 'the answers\' spans' });
  const long = 'A very long comment without many spaces: '.padEnd(300, 'x');
  const updates = answers.map((event_id, i) => ({
    id: `mobile-${i}`, event_id,
    feedback: {
      rating: i !== 1, score: 4, comment: i === 0 ? long : 'fine',
      edits: [{ at: 10 + i * 7, op: 'replace', from: 'NYC', value: 'New York' }],
    },
  }));
  const res = await fetch(`${demo.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ updates }) });
  assert.ok((await res.json()).results.every((/** @type {any} */ r) => r.status === 200));
});
after(async () => {
  await browser?.close();
  await demo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** @param {import('playwright-core').Page} page */
const scrollWidth = (page) => page.evaluate(() => /** @type {Element} */ (document.scrollingElement).scrollWidth);

test('at 390 px no view scrolls sideways', async () => {
  const context = await browser.newContext({ viewport: { width: WIDTH, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await openPage(context, `${demo.url}/dashboard`);
  await page.waitForFunction(() => Number(document.body.dataset.loaded) >= 4);
  for (const [group, positional] of /** @type {const} */ ([['path', false], ['path', true], ['answer', false], ['session', false]])) {
    await page.selectOption('#group', group);
    await page.setChecked('#positional', positional);
    await page.locator('section.card').first().waitFor();
    const w = await scrollWidth(page);
    const name = `demo-dashboard-390-${group}${positional ? '-positional' : ''}.png`;
    await page.screenshot({ path: join(SHOTS, name), fullPage: true });
    assert.ok(w <= WIDTH, `${group}${positional ? ' + positional' : ''}: scrollWidth ${w} > ${WIDTH} (see ${name})`);
  }
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('positional paths are hidden unless asked; a single-valued number is a value, not a bar', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await openPage(context, `${demo.url}/dashboard`);
  const score = page.locator('section.card[data-path="feedback.score"]');
  await score.waitFor();
  assert.equal(await page.locator('section.card[data-path="feedback.edits.0.at"]').count(), 0, 'edits.N.at hidden by default');
  assert.equal(await page.locator('section.card[data-path="feedback.edits.0.value"]').count(), 1, 'the edit itself is charted');
  assert.equal(await page.locator('#path option[value="feedback.edits.0.at"]').count(), 0);
  await page.check('#positional');
  await page.locator('section.card[data-path="feedback.edits.0.at"]').waitFor();
  assert.match(page.url(), /positional=1/, 'the choice is kept in the address');

  // Score 4 on all three answers: one value, drawn as "4", with no histogram bar.
  assert.equal(await score.locator('svg.chart-value').count(), 1);
  assert.equal(await score.locator('rect.bar-num').count(), 0);
  assert.equal(await score.locator('svg.chart-value').getAttribute('data-value'), '4');
  assert.match(await score.locator('svg.chart-value').textContent(), /every one of 3 events/);
  // A spread-out number still gets its histogram.
  const at = page.locator('section.card[data-path="feedback.edits.0.at"]');
  assert.ok(await at.locator('rect.bar-num').count() >= 1);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('per answer: the backend\'s span feedback and the page\'s on the same event, marked by origin; per session: one card', async () => {
  const context = await browser.newContext({ viewport: { width: WIDTH, height: 844 } });
  const page = await openPage(context, `${demo.url}/dashboard?group=answer`);
  const card = page.locator(`section.answer-card[data-event="${answers[0]}"]`);
  await card.waitFor();
  assert.match(await card.locator('.question').textContent(), /capital of New York/);
  assert.equal(await card.locator('tr[data-path="feedback.rating"]').getAttribute('data-origin'), 'page');
  assert.equal(await card.locator('tr[data-path="feedback.ground_truth"]').getAttribute('data-origin'), 'span');
  assert.equal(await card.locator('tr[data-path="feedback.backend.known_question"]').getAttribute('data-origin'), 'span');
  assert.equal(await card.locator('tr[data-path="feedback.edits.0.at"]').count(), 0, 'positional hidden here too');
  assert.equal(await page.locator('section.answer-card').count(), 3, 'one card per answer');
  assert.ok(await scrollWidth(page) <= WIDTH);

  await page.selectOption('#group', 'session');
  const session = page.locator('section.session-card');
  await session.first().waitFor();
  assert.equal(await session.count(), 1, 'the three answers share one session');
  assert.match(await session.locator('.badge').textContent(), /3 answer/);
  assert.equal(await session.locator('tr[data-path="feedback.score"] td[data-summary]').textContent(), '4 (×3)');
  assert.match(await session.locator('tr[data-path="feedback.rating"] td[data-summary]').textContent(), /66\.7% true \(3\)/);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('a favicon is served (no 404 in the console)', async () => {
  for (const path of ['/favicon.ico', '/favicon.svg']) {
    const res = await fetch(demo.url + path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type') ?? '', /image\/svg\+xml/);
    assert.match(await res.text(), /^<svg/);
  }
  const context = await browser.newContext();
  const page = await openPage(context, `${demo.url}/dashboard`);
  await page.waitForFunction(() => Number(document.body.dataset.loaded) >= 4);
  assert.equal(await page.locator('link[rel="icon"]').getAttribute('href'), '/favicon.svg');
  assert.ok(!page.consoleLines.some((l) => /404/.test(l)), page.consoleLines.join('\n'));
  await context.close();
});
