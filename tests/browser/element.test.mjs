// <feedback-bar> in Chromium: in a plain HTML page (ES module import), in a
// Vue 3 app built with Vite, and from the single-file <script> build served
// out of a bare static folder. Mouse and keyboard (Tab into the shadow
// root, arrow keys between stars, Space/Enter), aria-pressed states, the
// feedback:captured events, theming through custom properties and
// ::part(); the feedback lands merged on the span in the collector.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEvent } from '../../collector/server.mjs';
import { buildVueExample } from '../../examples/vue/build.mjs';
import { ROOT, launchBrowser, openPage, startStack, waitFor } from './harness.mjs';

let browser;
let stack;
let folder;
before(async () => {
  browser = await launchBrowser();
  // A bare static folder: the <script> build, its .wasm and one page; nothing else of the package.
  folder = mkdtempSync(join(tmpdir(), 'tf-script-tag-'));
  for (const f of ['trace-feedback.js', 'trace_feedback_core.wasm']) copyFileSync(join(ROOT, 'dist/browser', f), join(folder, f));
  writeFileSync(join(folder, 'index.html'), `<!doctype html><meta charset="utf-8"><title>script tag</title>
<script src="trace-feedback.js"></script>
<feedback-bar id="bar" stars="3"></feedback-bar>
<script>
  const q = new URLSearchParams(location.search);
  window.errors = [];
  const feedback = TraceFeedback.configureFeedbackBar({ endpoint: '/feedback', onError: (e) => window.errors.push(e.code) });
  feedback.setSession(q.get('session'));
  document.getElementById('bar').setAttribute('event-id', q.get('event'));
  window.api = Object.keys(TraceFeedback).sort();
</script>`);
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const routes = {};
  for (const f of ['index.html', 'trace-feedback.js', 'trace_feedback_core.wasm']) {
    routes[`/static/${f}`] = (req, res) => {
      res.writeHead(200, { 'content-type': types[f.slice(f.lastIndexOf('.'))] });
      res.end(readFileSync(join(folder, f)));
    };
  }
  stack = await startStack({ routes });
});
after(async () => {
  await browser?.close();
  await stack?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const feedbackOf = (id) => getEvent(stack.collector.db, id)?.feedback;

async function open(t, path, name) {
  const { eventId, sessionId } = await stack.collector.client.seedSession(name);
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await openPage(context, `${stack.url}${path}?event=${eventId}&session=${sessionId}`);
  await page.locator('feedback-bar').getByRole('button', { name: 'Good answer' }).waitFor();
  return { page, eventId };
}

test('plain HTML page: mouse, keyboard, events, theming; feedback on the span', async (t) => {
  const { page, eventId } = await open(t, '/examples/element/index.html', 'element');
  const bar = page.locator('feedback-bar');
  const up = bar.getByRole('button', { name: 'Good answer' });
  await up.click();
  assert.equal(await up.getAttribute('aria-pressed'), 'true');
  // Keyboard: Tab moves from the up thumb to the down thumb, then into the stars.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  assert.equal(await bar.getByRole('button', { name: '3 of 5 stars' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await bar.getByRole('button', { name: '4 of 5 stars' }).getAttribute('aria-pressed'), 'false');
  await bar.getByRole('textbox', { name: 'Comment' }).fill('Add the population');
  await bar.getByRole('button', { name: 'Send' }).click();
  assert.equal(await bar.getByRole('status').textContent(), 'Thanks for your feedback');
  // The pressed thumb takes the page's accent; ::part() sized the comment box.
  const styles = await page.evaluate(() => {
    const root = document.querySelector('feedback-bar').shadowRoot;
    return { up: getComputedStyle(root.querySelector('[data-thumb="up"]')).backgroundColor, input: getComputedStyle(root.querySelector('textarea')).width };
  });
  assert.equal(styles.up, 'rgb(15, 118, 110)');
  assert.equal(styles.input, '256px');
  await waitFor(() => feedbackOf(eventId)?.comment === 'Add the population', { what: 'element feedback in SQLite' });
  assert.deepEqual(feedbackOf(eventId), { rating: true, rating_withdrawn: false, score: 3, comment: 'Add the population' });
  assert.deepEqual(await page.evaluate(() => window.captured), ['rating:"up"', 'score:3', 'comment:"Add the population"']);
  assert.deepEqual(await page.evaluate(() => window.errors), []);
  assert.deepEqual(page.pageErrors, []);
});

test('after a reload the kept thumb shows pressed; pressing it again sends and shows the withdrawal', async (t) => {
  const { page, eventId } = await open(t, '/examples/element/index.html', 'element reload');
  const up = page.locator('feedback-bar').getByRole('button', { name: 'Good answer' });
  await up.click();
  await waitFor(() => feedbackOf(eventId)?.rating === true, { what: 'the 👍 delivered' });
  await page.reload();
  // The capture layer kept the 👍 (sessionStorage); the bar shows it once the client has loaded.
  await waitFor(async () => (await up.getAttribute('aria-pressed')) === 'true', { what: 'the kept 👍 shown after reload' });
  await up.click();
  assert.equal(await up.getAttribute('aria-pressed'), 'false');
  await waitFor(() => feedbackOf(eventId)?.rating_withdrawn === true, { what: 'the withdrawal delivered' });
  assert.deepEqual(await page.evaluate(() => window.captured), ['rating:null'], 'the event names what was sent');
  assert.deepEqual(page.pageErrors, []);
});

test('a comment being typed survives the event-id arriving late (a streamed answer) and a label change', async (t) => {
  const { page } = await open(t, '/examples/element/index.html', 'element late id');
  const { eventId: late } = await stack.collector.client.seedSession('element late id, the span');
  const bar = page.locator('feedback-bar');
  const box = bar.getByRole('textbox', { name: 'Comment' });
  await box.fill('Half-typed');
  await box.focus();
  await page.evaluate((id) => document.querySelector('feedback-bar').setAttribute('event-id', id), late);
  assert.equal(await box.inputValue(), 'Half-typed', 'the text is still there after the event id changed');
  assert.equal(await page.evaluate(() => document.querySelector('feedback-bar').shadowRoot.activeElement?.tagName), 'TEXTAREA', 'focus kept');
  await page.evaluate(() => document.querySelector('feedback-bar').setAttribute('label', 'Rate the answer'));
  assert.equal(await box.inputValue(), 'Half-typed', 'and after a re-render');
  await box.pressSequentially(' and done');
  await bar.getByRole('button', { name: 'Send' }).click();
  await waitFor(() => feedbackOf(late)?.comment === 'Half-typed and done', { what: 'the comment on the span named last' });
  assert.deepEqual(await page.evaluate(() => window.errors), []);
  assert.deepEqual(page.pageErrors, []);
});

test('a comment the loaded client refuses (too long) stays in the box; the reason goes to onError', async (t) => {
  const { page, eventId } = await open(t, '/examples/element/index.html', 'element refused');
  const bar = page.locator('feedback-bar');
  await bar.getByRole('button', { name: 'Good answer' }).click();
  await waitFor(() => page.evaluate(() => document.querySelector('feedback-bar').feedback.client !== undefined), { what: 'client loaded' });
  const box = bar.getByRole('textbox', { name: 'Comment' });
  const tooLong = 'x'.repeat(20_000);
  await box.fill(tooLong);
  await bar.getByRole('button', { name: 'Send' }).click();
  assert.equal((await box.inputValue()).length, tooLong.length, 'kept');
  // The page's configureFeedbackBar({ onError }) ran after the import registered (and upgraded) the bar: it is still the bar's client.
  assert.deepEqual(await page.evaluate(() => window.errors), ['invalid_feedback']);
  assert.deepEqual(await page.evaluate(() => window.captured), ['rating:"up"'], 'no capture event for the refused comment');
  await box.fill('Short enough');
  await bar.getByRole('button', { name: 'Send' }).click();
  assert.equal(await box.inputValue(), '');
  await waitFor(() => feedbackOf(eventId)?.comment === 'Short enough', { what: 'the comment in SQLite' });
  assert.deepEqual(page.pageErrors, []);
});

test('Vue 3 app built with Vite: <feedback-bar> sends onto the span', async (t) => {
  await buildVueExample();
  const { page, eventId } = await open(t, '/examples/vue/dist/index.html', 'vue');
  const bar = page.locator('feedback-bar');
  await bar.getByRole('button', { name: 'Bad answer' }).click();
  await page.locator('.thanks').filter({ hasText: 'Thanks for the rating!' }).waitFor();
  await bar.getByRole('button', { name: '2 of 5 stars' }).click();
  await bar.getByRole('textbox', { name: 'Comment' }).fill('Too short');
  await page.keyboard.press('Control+Enter');
  await waitFor(() => feedbackOf(eventId)?.comment === 'Too short', { what: 'Vue feedback in SQLite' });
  assert.deepEqual(feedbackOf(eventId), { rating: false, rating_withdrawn: false, score: 2, comment: 'Too short' });
  assert.equal(await page.evaluate(() => window.feedbackErrors ?? null), null);
  assert.deepEqual(page.pageErrors, []);
});

test('the single-file <script> build works from a bare static folder', async (t) => {
  const { page, eventId } = await open(t, '/static/index.html', 'script tag');
  const api = await page.evaluate(() => window.api);
  for (const name of ['createFeedback', 'init', 'configureFeedbackBar', 'FeedbackValidationError']) assert.ok(api.includes(name), `TraceFeedback.${name}`);
  const bar = page.locator('feedback-bar');
  await bar.getByRole('button', { name: 'Good answer' }).click();
  await bar.getByRole('button', { name: '3 of 3 stars' }).click();
  await waitFor(() => feedbackOf(eventId)?.score === 3, { what: 'script-tag feedback in SQLite' });
  assert.deepEqual(feedbackOf(eventId), { rating: true, rating_withdrawn: false, score: 3 });
  const requested = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  assert.deepEqual(requested.filter((p) => p.startsWith('/static/')).sort(), ['/static/trace-feedback.js', '/static/trace_feedback_core.wasm'], 'one script, one wasm');
  assert.deepEqual(await page.evaluate(() => window.errors), []);
  assert.deepEqual(page.pageErrors, []);
});
