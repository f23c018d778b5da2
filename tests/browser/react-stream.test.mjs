// The React example in Chromium: the bundle builds with esbuild, the answer
// streams in token by token inside its data-feedback-event container, the
// thumbs and Copy stay disabled until the stream completes, and then a
// thumbs-up and a copy from the useFeedback hook reach the collector.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startDemo } from '../../examples/chat/server.mjs';
import { build } from '../../examples/react/build.mjs';
import { ARTIFACTS, launchBrowser, openPage, waitFor } from './harness.mjs';

const SHOTS = join(ARTIFACTS, 'screenshots');
let dir;
let demo;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await build({ quiet: true });
  dir = mkdtempSync(join(tmpdir(), 'trace-feedback-react-'));
  demo = await startDemo({ dbPath: join(dir, 'demo.sqlite'), quiet: true });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await demo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a streamed answer renders, then thumbs-up and copy reach the collector', async (t) => {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.url });
  const page = await openPage(context, `${demo.url}/react/`);
  // Record every state the answer goes through (robust to how fast the
  // stream runs compared with the test's polling).
  await page.evaluate(() => {
    window.answerStates = [];
    new MutationObserver(() => {
      const a = document.querySelector('article.react-answer');
      if (!a) return;
      window.answerStates.push({
        at: performance.now(), streaming: a.dataset.streaming, text: a.querySelector('.answer-text').textContent,
        disabled: [...a.querySelectorAll('button')].every((b) => b.disabled),
      });
    }).observe(document.getElementById('root'), { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.locator('form.ask button[type="submit"]').click();

  const article = page.locator('article.react-answer');
  await page.locator('article.react-answer[data-streaming="false"]').waitFor({ timeout: 15000 });
  const eventId = await article.getAttribute('data-feedback-event');
  assert.match(eventId, /^[0-9a-f-]{36}$/);
  const full = await article.locator('.answer-text').textContent();
  assert.match(full, /Albany/);
  const states = await page.evaluate(() => window.answerStates);
  const streaming = states.filter((s) => s.streaming === 'true');
  const texts = new Set(streaming.map((s) => s.text));
  // The container was there while tokens arrived, with the buttons disabled.
  assert.ok(texts.size >= 5, `streamed in steps: ${texts.size} distinct partial texts`);
  assert.ok(streaming.every((s) => s.disabled), 'no feedback on half an answer');
  assert.ok(streaming.every((s) => full.startsWith(s.text.replace(/▍$/, ''))), 'each step is a prefix of the answer');
  t.diagnostic(`stream: ${texts.size} steps over ${Math.round(streaming.at(-1).at - streaming[0].at)} ms`);

  await article.locator('button[aria-label="Good answer"]').click();
  assert.equal(await article.locator('button[aria-label="Good answer"]').getAttribute('aria-pressed'), 'true');
  await article.locator('button.copy').click();
  await article.locator('.note').filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), full);

  await page.waitForFunction(() => Boolean(window.feedbackClient));
  await page.evaluate(() => window.feedbackClient.flush());
  const fb = await waitFor(() => {
    const db = new Database(demo.collector.dbPath, { readonly: true });
    try {
      const row = db.prepare('SELECT feedback FROM events WHERE event_id = ?').get(eventId);
      const f = row && JSON.parse(row.feedback);
      return f?.rating === true && f?.actions?.copied ? f : undefined;
    } finally {
      db.close();
    }
  }, { what: 'rating and copy on the streamed answer\'s span' });
  t.diagnostic(`stored feedback: ${JSON.stringify(fb)}`);
  assert.equal(fb.actions.copy_count, 1);
  await page.screenshot({ path: join(SHOTS, 'react-stream.png'), fullPage: true });
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});
