// trace-feedback/react in Chromium, in an app built with Vite 8 for React
// 18 (the repo's) and React 19 (tests/fixtures/react19, installed with
// npm ci from its own lock when missing): thumbs, stars, a comment, a copy,
// a regeneration and an edit, made with the mouse and the keyboard, land
// merged on the span in the collector through the real proxy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getEvent } from '../../collector/server.mjs';
import { buildReactExample } from '../../examples/react-vite/build.mjs';
import { ROOT, launchBrowser, openPage, startStack, waitFor } from './harness.mjs';

const FIXTURE19 = join(ROOT, 'tests/fixtures/react19');

let browser;
let stack;
before(async () => {
  browser = await launchBrowser();
  stack = await startStack();
});
after(async () => {
  await browser?.close();
  await stack?.close();
});

async function exercise(t, name, reactDir, major) {
  const out = await buildReactExample({ name, reactDir });
  const { eventId, sessionId } = await stack.collector.client.seedSession(`react ${major}`);
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await openPage(context, `${stack.url}/examples/react-vite/dist/${name}/index.html?event=${eventId}&session=${sessionId}`);
  const version = await page.getAttribute('main', 'data-react-version');
  assert.equal(version.split('.')[0], String(major), `built with React ${major}`);

  const up = page.getByRole('button', { name: 'Good answer' });
  await up.click();
  assert.equal(await up.getAttribute('aria-pressed'), 'true');
  // Keyboard: Tab from the up thumb to the down thumb, Space presses it.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  assert.equal(await page.getByRole('button', { name: 'Bad answer' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await up.getAttribute('aria-pressed'), 'false');
  await page.getByRole('button', { name: '4 of 5 stars' }).click();
  assert.equal(await page.getByRole('button', { name: '3 of 5 stars' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByRole('button', { name: '5 of 5 stars' }).getAttribute('aria-pressed'), 'false');
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.getByRole('button', { name: 'Regenerate' }).click();
  // A comment the client refuses (over maxStringBytes): kept in the box, no thanks, the reason to onError.
  // First wait until the client has loaded (the score was delivered): a call recorded before load is
  // refused only at replay, after the box was cleared.
  await waitFor(() => getEvent(stack.collector.db, eventId)?.feedback?.score === 4, { what: 'the score delivered (client loaded)' });
  const box = page.getByLabel('What could be better?');
  const tooLong = 'x'.repeat(20_000);
  await box.fill(tooLong);
  await page.keyboard.press('Control+Enter');
  await waitFor(() => page.evaluate(() => (window.feedbackErrors ?? []).length > 0), { what: 'the refusal reported' });
  assert.equal((await box.inputValue()).length, tooLong.length, 'the refused comment is still in the box');
  assert.equal(await page.getByRole('status').filter({ hasText: 'Thanks!' }).count(), 0, 'no thanks for a refused comment');
  await box.fill('Mention the Seine');
  await page.keyboard.press('Control+Enter');
  await page.getByRole('status').filter({ hasText: 'Thanks!' }).waitFor();
  const answer = page.getByLabel('Answer (editable)');
  await answer.fill('The capital of France is Paris, on the Seine.');
  await answer.blur();

  const done = (f) => f?.comment === 'Mention the Seine' && f?.actions?.edited === true && f?.actions?.regenerated === true && f?.score === 4;
  await waitFor(() => done(getEvent(stack.collector.db, eventId)?.feedback), { what: `React ${major} feedback in SQLite` });
  const f = getEvent(stack.collector.db, eventId).feedback;
  assert.equal(f.rating, false);
  assert.equal(f.rating_withdrawn, false);
  assert.equal(f.actions.copied, true);
  assert.equal(f.actions.copy_count, 1);
  assert.equal(f.actions.regenerate_count, 1);
  assert.equal(f.edit_stats.exact, true);
  assert.ok(f.edits.length >= 1);
  assert.deepEqual(await page.evaluate(() => window.feedbackErrors ?? null), ['invalid_feedback'], 'only the refused comment was reported');
  assert.deepEqual(page.pageErrors, []);
  t.diagnostic(`React ${version}: ${JSON.stringify(f).length} B of merged feedback; built into ${out}`);
}

test('React 18 app built with Vite: feedback lands on the span', async (t) => {
  await exercise(t, 'react18', join(ROOT, 'node_modules'), 18);
});

test('React 19 app built with Vite: feedback lands on the span', async (t) => {
  if (!existsSync(join(FIXTURE19, 'node_modules/react-dom/package.json'))) {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: FIXTURE19, stdio: 'pipe' });
  }
  await exercise(t, 'react19', join(FIXTURE19, 'node_modules'), 19);
});
