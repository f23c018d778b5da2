// Implicit signals and lifecycle in real Chromium: a real copy (selection +
// Ctrl+C) with running count and fraction, copy/regenerate buttons, debounced
// edits of a contenteditable answer, answers streamed in after attach,
// detach(), and errors from DOM paths going to host.report, never the page.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, openPage, waitFor } from './harness.mjs';
import { validateFeedback } from '../../dist/index.js';

const A1 = '11111111-1111-4111-8111-111111111111';
const A3 = '33333333-3333-4333-8333-333333333333';
const A4 = '44444444-4444-4444-8444-444444444444';

const suite = browserSuite();

async function open(t, options, context) {
  if (!context) {
    context = await suite.browser.newContext();
    t.after(() => context.close());
  }
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.web.url });
  const q = options ? `?options=${encodeURIComponent(JSON.stringify(options))}` : '';
  const page = await openPage(context, `${suite.web.url}/tests/browser/pages/capture.html${q}`);
  await waitFor(() => page.evaluate(() => window.ready === true), { what: 'capture page' });
  return page;
}
const calls = (page) => page.evaluate(() => window.calls);
const waitCalls = (page, n) => waitFor(async () => (await calls(page)).length >= n, { what: `${n} captures` });

/** Selects the text of `#id` with a Range (exactly its text, no trailing newline). */
const selectText = (page, id) =>
  page.evaluate((id) => {
    const r = document.createRange();
    r.selectNodeContents(document.getElementById(id));
    getSelection().removeAllRanges();
    getSelection().addRange(r);
  }, id);

test('copy: a real Ctrl+C of a selection counts, measures the fraction, omits the text, and survives a reload', async (t) => {
  const page = await open(t);
  // Whitespace runs count once (markup indentation is not copied text).
  const [p1, p2, total] = await page.evaluate(() =>
    ['a1-p1', 'a1-p2', 'a1-text'].map((id) => document.getElementById(id).textContent.replace(/\s+/g, ' ').trim().length));

  await page.click('#a1-p1', { clickCount: 3 }); // triple-click selects the paragraph
  await page.keyboard.press('Control+C');
  await waitCalls(page, 1);
  let [c] = await calls(page);
  assert.equal(c.eventId, A1);
  assert.deepEqual(Object.keys(c.feedback), ['actions']);
  assert.equal(c.feedback.actions.copied, true);
  assert.equal(c.feedback.actions.copy_count, 1);
  assert.equal('copied_text' in c.feedback.actions, false, 'copied text is private by default');
  const f = c.feedback.actions.copied_fraction;
  assert.ok(Math.abs(f - p1 / total) <= 0.015, `fraction ${f} ≈ ${p1}/${total}`);
  // The clipboard really got the text (this was a real copy, not a synthetic event).
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /capital of France is Paris/);

  await selectText(page, 'a1-p2');
  await page.keyboard.press('Control+C');
  await waitCalls(page, 2);
  c = (await calls(page))[1];
  assert.equal(c.feedback.actions.copy_count, 2);
  assert.equal(c.feedback.actions.copied_fraction, Math.round((p2 / total) * 1000) / 1000);

  // Text outside any answer is not feedback.
  await selectText(page, 'outside');
  await page.keyboard.press('Control+C');
  await page.waitForTimeout(200);
  assert.equal((await calls(page)).length, 2);

  // The count is absolute and continues after a reload (sessionStorage).
  await page.reload();
  await waitFor(() => page.evaluate(() => window.ready === true));
  await selectText(page, 'a1-text');
  await page.keyboard.press('Control+C');
  await waitCalls(page, 1);
  c = (await calls(page))[0];
  assert.equal(c.feedback.actions.copy_count, 3);
  assert.equal(c.feedback.actions.copied_fraction, 1);
  assert.deepEqual(page.pageErrors, []);
});

test('copy: includeCopiedText sends the copied text; countersStorage "none" restarts after a reload', async (t) => {
  const page = await open(t, { includeCopiedText: true, countersStorage: 'none' });
  await selectText(page, 'a1-p1');
  await page.keyboard.press('Control+C');
  await waitCalls(page, 1);
  const copied = (await calls(page))[0].feedback;
  assert.equal(copied.copy.text, 'The capital of France is Paris.');
  assert.equal('copied_text' in copied.actions, false);
  // The recording host skips the core: check the real rules accept it (they refused actions.copied_text).
  assert.deepEqual(validateFeedback(copied).errors, []);
  await page.reload();
  await waitFor(() => page.evaluate(() => window.ready === true));
  await selectText(page, 'a1-p1');
  await page.keyboard.press('Control+C');
  await waitCalls(page, 1);
  assert.equal((await calls(page))[0].feedback.actions.copy_count, 1);
});

test('copy and regenerate buttons send absolute running counts', async (t) => {
  const page = await open(t);
  await page.click('#a1-copy');
  await page.click('#a1-copy');
  await page.click('#a1-regen');
  await page.click('#a1-regen');
  assert.deepEqual(await calls(page), [
    { eventId: A1, feedback: { actions: { copied: true, copy_count: 1, copied_fraction: 1 } } },
    { eventId: A1, feedback: { actions: { copied: true, copy_count: 2, copied_fraction: 1 } } },
    { eventId: A1, feedback: { actions: { regenerated: true, regenerate_count: 1 } } },
    { eventId: A1, feedback: { actions: { regenerated: true, regenerate_count: 2 } } },
  ]);
});

test('edit: one debounced capture after typing stops, diffed against the text at first focus', async (t) => {
  const page = await open(t, { editDebounceMs: 800 });
  await page.click('#a3-edit');
  await page.keyboard.press('End');
  await page.keyboard.type(' sharp', { delay: 60 }); // 6 keystrokes, each < debounce apart
  assert.equal((await calls(page)).length, 0, 'no capture while typing');
  await waitCalls(page, 1);
  await page.waitForTimeout(1200);
  const all = await calls(page);
  assert.equal(all.length, 1, 'exactly one capture for one burst of typing');
  assert.equal(await page.evaluate(() => window.diffCalls), 1, 'one diff, not one per keystroke');
  assert.equal(all[0].eventId, A3);
  const fb = all[0].feedback;
  assert.deepEqual(fb.actions, { edited: true, edit_count: 1 });
  assert.deepEqual(fb.edits, [{ op: 'insert', at: 23, value: ' sharp' }]);
  assert.equal(fb.edit_stats.inserted, 6);

  // Leaving the field sends at once, without waiting for the timer; the
  // diff is still against the original, so it describes the whole edit.
  await page.keyboard.type('!');
  await page.click('#elsewhere');
  await waitCalls(page, 2);
  const second = (await calls(page))[1].feedback;
  assert.equal(second.actions.edit_count, 2);
  assert.deepEqual(second.edits, [{ op: 'insert', at: 23, value: ' sharp!' }]);
  // Blur with no change sends nothing.
  await page.click('#a3-edit');
  await page.click('#elsewhere');
  await page.waitForTimeout(600);
  assert.equal((await calls(page)).length, 2);
});

test('edit: waits for the diff module (a failed load retried by the edit), then sends, never throwing into the page', async (t) => {
  const context = await suite.browser.newContext();
  t.after(() => context.close());
  const options = encodeURIComponent(JSON.stringify({ editDebounceMs: 200 }));
  const page = await openPage(context, `${suite.web.url}/tests/browser/pages/capture.html?options=${options}&diff=pending&diffFail=1`);
  await page.waitForFunction(() => window.capture !== undefined);
  assert.equal(await page.evaluate(() => window.diffState.loads), 1, 'attach() asked for the module at once (that load fails)');
  await page.click('#a3-edit');
  await page.keyboard.press('End');
  await page.keyboard.type(' sharp');
  await page.click('#elsewhere');
  await page.waitForTimeout(600);
  assert.equal((await calls(page)).length, 0, 'the edit waits for the module');
  assert.equal(await page.evaluate(() => window.diffState.loads), 2, 'the edit retried the failed load');
  await page.evaluate(() => window.releaseDiff());
  await waitCalls(page, 1);
  const [c] = await calls(page);
  assert.equal(c.eventId, A3);
  assert.deepEqual(c.feedback.edits, [{ op: 'insert', at: 23, value: ' sharp' }]);
  assert.deepEqual(await page.evaluate(() => window.windowErrors), []);
  assert.deepEqual(page.pageErrors, []);
});

test('edit: includeEditText false keeps lengths, not texts; blur flushes before the debounce', async (t) => {
  const page = await open(t, { includeEditText: false, editDebounceMs: 10000 });
  await page.click('#a3-edit');
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('?');
  await page.click('#elsewhere');
  await waitCalls(page, 1, 3000);
  const [c] = await calls(page);
  assert.deepEqual(c.feedback.edits, [{ op: 'replace', at: 22, from_len: 1, value_len: 1 }]);
});

test('a 100 KB editable answer is diffed once after typing, not per keystroke', async (t) => {
  // A generous debounce: on a loaded CI machine one keystroke in a 100 KB
  // contenteditable can take a few hundred ms of layout.
  const page = await open(t, { editDebounceMs: 1500 });
  await page.evaluate((id) => window.addLargeEditable(id, 100_000), A4);
  await page.click('#large-edit', { position: { x: 5, y: 5 } });
  await page.keyboard.type('abcdefghij', { delay: 20 });
  await waitCalls(page, 1);
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => window.diffCalls), 1);
  const [c] = await calls(page);
  assert.equal(c.eventId, A4);
  assert.equal(c.feedback.edit_stats.inserted, 10);
});

test('answers added after attach are wired (role, aria-pressed, clicks), also when the id arrives later', async (t) => {
  const page = await open(t);
  const id = await page.evaluate((A4) => window.addAnswer(A4), A4);
  await waitFor(() => page.evaluate((id) => document.querySelector(`#${id} .up`).getAttribute('role') === 'button', id), { what: 'decorated' });
  assert.equal(await page.getAttribute(`#${id} .up`, 'aria-pressed'), 'false');
  assert.equal(await page.getAttribute(`#${id} .regen`, 'tabindex'), '0');
  await page.click(`#${id} .up`);
  assert.deepEqual(await calls(page), [{ eventId: A4, feedback: { rating: true, rating_withdrawn: false } }]);
  assert.equal(await page.getAttribute(`#${id} .up`, 'aria-pressed'), 'true');

  // Streaming: the container exists before its event id is known.
  const late = await page.evaluate(() => window.addAnswer(''));
  await page.click(`#${late} .regen`);
  const reports = await page.evaluate(() => window.reports);
  assert.equal(reports.length, 1);
  assert.equal(reports[0].name, 'FeedbackValidationError');
  assert.equal(reports[0].errors[0].code, 'invalid_id');
  const LATE = '55555555-5555-4555-8555-555555555555';
  await page.evaluate(({ late, LATE }) => document.getElementById(late).setAttribute('data-feedback-event', LATE), { late, LATE });
  await page.click(`#${late} .regen`);
  assert.deepEqual((await calls(page))[1], { eventId: LATE, feedback: { actions: { regenerated: true, regenerate_count: 1 } } });
});

test('detach() removes every listener and the observer', async (t) => {
  const page = await open(t);
  await page.click('#a3-edit');
  await page.keyboard.type('x'); // pending edit: detach sends it rather than losing it
  await page.evaluate(() => window.capture.detach());
  assert.equal((await calls(page)).length, 1);
  assert.equal((await calls(page))[0].feedback.actions.edited, true);
  assert.equal(await page.getAttribute('#a2-up', 'role'), null, 'role added by attach is taken back');

  await page.click('#a1-up');
  await page.click('#a1-regen');
  await page.click('#a3-edit');
  await page.keyboard.type('more');
  await page.click('#elsewhere');
  await selectText(page, 'a1-p1');
  await page.keyboard.press('Control+C');
  const id = await page.evaluate((A4) => window.addAnswer(A4), A4);
  await page.waitForTimeout(1500); // past the default 1 s edit debounce
  assert.equal((await calls(page)).length, 1, 'nothing captured after detach');
  assert.equal(await page.getAttribute(`#${id} .up`, 'role'), null, 'no observer after detach');

  // attach() again works, and returns a detach for that root only.
  const n = await page.evaluate(() => {
    const off = window.capture.attach(document.getElementById('a1'));
    document.getElementById('a1-regen').click();
    off();
    document.getElementById('a1-regen').click();
    return window.calls.length;
  });
  assert.equal(n, 2);
});

test('an exception in host.enrich on a DOM path is reported and never reaches window.onerror', async (t) => {
  const page = await open(t);
  await page.evaluate(() => { window.failEnrich = 'queue is closed'; });
  await page.click('#a1-up');
  await page.click('#a1-regen');
  await selectText(page, 'a1-p1');
  await page.keyboard.press('Control+C');
  await waitFor(() => page.evaluate(() => window.reports.length >= 3), { what: 'reports' });
  const reports = await page.evaluate(() => window.reports);
  assert.deepEqual(reports.map((r) => [r.message, r.context]), [
    ['queue is closed', 'capture.rating'],
    ['queue is closed', 'capture.action'],
    ['queue is closed', 'capture.copy'],
  ]);
  // A refused update changes no state: no pressed thumb, and the next count is 1.
  assert.equal(await page.getAttribute('#a1-up', 'aria-pressed'), 'false');
  await page.evaluate(() => { window.failEnrich = null; });
  await page.click('#a1-regen');
  assert.deepEqual((await calls(page))[0].feedback, { actions: { regenerated: true, regenerate_count: 1 } });

  // A bad attribute value is reported the same way.
  await page.evaluate(() => document.getElementById('a1-up').setAttribute('data-feedback-value', 'sideways'));
  await page.click('#a1-up');
  const last = (await page.evaluate(() => window.reports)).at(-1);
  assert.equal(last.name, 'FeedbackValidationError');
  assert.equal(last.errors[0].code, 'invalid_rating');

  assert.deepEqual(await page.evaluate(() => window.windowErrors), []);
  assert.deepEqual(page.pageErrors, []);
});
