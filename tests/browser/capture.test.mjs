// Declarative controls in real Chromium: thumbs (toggle and aria-pressed),
// keyboard operation, stars, comments, custom fields, and the programmatic
// API with its synchronous validation errors. The page's host records what
// Capture hands to enrich(); see pages/capture.js.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, openPage, waitFor } from './harness.mjs';

const A1 = '11111111-1111-4111-8111-111111111111';
const A2 = '22222222-2222-4222-8222-222222222222';

const suite = browserSuite();

async function open(t, query = '') {
  const context = await suite.browser.newContext();
  t.after(() => context.close());
  const page = await openPage(context, `${suite.web.url}/tests/browser/pages/capture.html${query}`);
  await waitFor(() => page.evaluate(() => window.ready === true), { what: 'capture page' });
  return page;
}
const calls = (page) => page.evaluate(() => window.calls);
const pressed = (page, ...ids) => page.evaluate((ids) => ids.map((id) => document.getElementById(id).getAttribute('aria-pressed')), ids);
const noPageErrors = async (page) => {
  assert.deepEqual(page.pageErrors, []);
  assert.deepEqual(await page.evaluate(() => window.windowErrors), []);
};

test('thumbs: rating feedback, aria-pressed on both thumbs, same thumb again withdraws', async (t) => {
  const page = await open(t);
  assert.deepEqual(await pressed(page, 'a1-up', 'a1-down'), ['false', 'false']);

  await page.click('#a1-up');
  assert.deepEqual(await calls(page), [{ eventId: A1, feedback: { rating: true, rating_withdrawn: false } }]);
  assert.deepEqual(await pressed(page, 'a1-up', 'a1-down'), ['true', 'false']);

  await page.click('#a1-down');
  assert.deepEqual((await calls(page))[1].feedback, { rating: false, rating_withdrawn: false });
  assert.deepEqual(await pressed(page, 'a1-up', 'a1-down'), ['false', 'true']);

  await page.click('#a1-down'); // undo
  assert.deepEqual((await calls(page))[2], { eventId: A1, feedback: { rating_withdrawn: true } });
  assert.deepEqual(await pressed(page, 'a1-up', 'a1-down'), ['false', 'false']);

  await page.click('#a1-down'); // pressed again after an undo: a fresh rating
  assert.deepEqual((await calls(page))[3].feedback, { rating: false, rating_withdrawn: false });

  // Other answers keep their own state; controls outside any answer rate the session.
  assert.deepEqual(await pressed(page, 'a2-up', 'a2-down'), ['false', 'false']);
  await page.click('#s-up');
  assert.deepEqual((await calls(page))[4], { eventId: null, feedback: { rating: true, rating_withdrawn: false } });
  assert.equal((await calls(page)).length, 5);
  await noPageErrors(page);
});

test('thumb state survives a reload (sessionStorage) so the same thumb still undoes', async (t) => {
  const page = await open(t);
  await page.click('#a1-up');
  await page.reload();
  await waitFor(() => page.evaluate(() => window.ready === true));
  assert.deepEqual(await pressed(page, 'a1-up', 'a1-down'), ['true', 'false']);
  await page.click('#a1-up');
  assert.deepEqual(await calls(page), [{ eventId: A1, feedback: { rating_withdrawn: true } }]);
});

test('keyboard: non-button controls get role/tabindex; Tab + Enter/Space press them; native buttons fire once', async (t) => {
  const page = await open(t);
  const attrs = await page.evaluate(() => ['a2-up', 'a1-s3', 'a1-up'].map((id) => {
    const el = document.getElementById(id);
    return [el.getAttribute('role'), el.getAttribute('tabindex')];
  }));
  assert.deepEqual(attrs, [['button', '0'], ['button', '0'], [null, null]]);

  await page.focus('#a1-send');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'a2-up');
  await page.keyboard.press('Enter');
  assert.deepEqual(await calls(page), [{ eventId: A2, feedback: { rating: true, rating_withdrawn: false } }]);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'a2-down');
  const scrollBefore = await page.evaluate(() => window.scrollY);
  await page.keyboard.press('Space');
  assert.deepEqual((await calls(page))[1].feedback, { rating: false, rating_withdrawn: false });
  assert.deepEqual(await pressed(page, 'a2-up', 'a2-down'), ['false', 'true']);
  assert.equal(await page.evaluate(() => window.scrollY), scrollBefore, 'Space must not scroll');

  // A native <button> clicks itself on Enter: exactly one capture, not two.
  await page.focus('#a1-up');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(100);
  assert.equal((await calls(page)).length, 3);
  assert.deepEqual((await calls(page))[2], { eventId: A1, feedback: { rating: true, rating_withdrawn: false } });
});

test('stars: { score: n } and aria-pressed on the chosen star and those below', async (t) => {
  const page = await open(t);
  await page.click('#a1-s4');
  assert.deepEqual(await calls(page), [{ eventId: A1, feedback: { score: 4 } }]);
  assert.deepEqual(await pressed(page, 'a1-s1', 'a1-s2', 'a1-s3', 'a1-s4', 'a1-s5'), ['true', 'true', 'true', 'true', 'false']);
  await page.click('#a1-s2');
  assert.deepEqual((await calls(page))[1].feedback, { score: 2 });
  assert.deepEqual(await pressed(page, 'a1-s1', 'a1-s2', 'a1-s3', 'a1-s4', 'a1-s5'), ['true', 'true', 'false', 'false', 'false']);
});

test('comment form: submit sends the comment and never navigates; empty is ignored', async (t) => {
  const page = await open(t);
  const url = page.url();
  // The app learns about the capture (to say thanks, clear the field) from a bubbling event.
  await page.evaluate(() => {
    window.captured = [];
    document.addEventListener('feedback:captured', (e) => window.captured.push([e.target.id, e.detail.feedback, e.detail.receipt]));
  });
  await page.click('#a1-send'); // empty
  await page.fill('#a1-comment', '  Too long, and the population is wrong.  ');
  await page.focus('#a1-comment');
  await page.click('#a1-send');
  await waitFor(async () => (await calls(page)).length === 1, { what: 'comment' });
  assert.deepEqual(await calls(page), [{ eventId: A1, feedback: { comment: 'Too long, and the population is wrong.' } }]);
  await page.waitForTimeout(200);
  assert.equal(page.url(), url, 'the form must not submit');
  assert.equal(await page.evaluate(() => window.ready), true, 'same document, not reloaded');
  assert.equal((await calls(page)).length, 1);
  assert.deepEqual(await page.evaluate(() => window.captured), [['a1-form', { comment: 'Too long, and the population is wrong.' }, { updateId: 'u1' }]]);
});

test('comment textarea: sent on blur once per text, and on Ctrl+Enter', async (t) => {
  const page = await open(t);
  await page.click('#a2-note');
  await page.keyboard.type('hmm');
  await page.click('#elsewhere');
  assert.deepEqual(await calls(page), [{ eventId: A2, feedback: { comment: 'hmm' } }]);
  await page.click('#a2-note');
  await page.click('#elsewhere'); // unchanged: nothing new
  assert.equal((await calls(page)).length, 1);
  await page.click('#a2-note');
  await page.keyboard.type(', not sure');
  await page.keyboard.press('Control+Enter');
  assert.deepEqual((await calls(page))[1].feedback, { comment: 'hmm, not sure' });
  await page.click('#elsewhere'); // the same text again on blur is not a second comment
  assert.equal((await calls(page)).length, 2);
});

test('custom fields: strings, "true" → boolean, numeric → number; aria-pressed marks the current value', async (t) => {
  const page = await open(t);
  await page.click('#a1-wrong');
  await page.click('#a1-helpful');
  await page.click('#a1-conf');
  assert.deepEqual((await calls(page)).map((c) => c.feedback), [{ reason: 'wrong' }, { helpful: true }, { confidence: 3 }]);
  assert.deepEqual(await pressed(page, 'a1-wrong', 'a1-unsafe'), ['true', 'false']);
  await page.click('#a1-unsafe');
  assert.deepEqual(await pressed(page, 'a1-wrong', 'a1-unsafe'), ['false', 'true']);
  assert.deepEqual((await calls(page))[3], { eventId: A1, feedback: { reason: 'unsafe' } });
});

test('programmatic API: returns the receipt, same toggle as the buttons, throws FeedbackValidationError synchronously', async (t) => {
  const page = await open(t);
  const out = await page.evaluate(({ A1 }) => {
    const c = window.capture;
    const el = document.getElementById('a1-p1');
    const throws = (fn) => {
      try {
        fn();
        return 'no throw';
      } catch (e) {
        return { isFVE: e instanceof window.FeedbackValidationError, code: e.code, first: e.errors?.[0]?.code };
      }
    };
    const before = window.calls.length;
    return {
      receipts: [c.rate(el, true), c.score(A1, 5), c.comment(null, 'whole chat was good'), c.action(A1, 'share'), c.action(A1, 'share')],
      aria: document.getElementById('a1-up').getAttribute('aria-pressed'),
      undo: (c.rate(A1.toUpperCase(), true), window.calls.at(-1)),
      edit: (c.edit(el, 'Paris', 'Lyon'), window.calls.at(-1)),
      errors: {
        badId: throws(() => c.rate('not-a-uuid', true)),
        badTarget: throws(() => c.rate(42, true)),
        badUp: throws(() => c.rate(A1, 'yes')),
        badScore: throws(() => c.score(A1, 'x')),
        emptyComment: throws(() => c.comment(A1, '   ')),
        dottedAction: throws(() => c.action(A1, 'a.b')),
        reservedAction: throws(() => c.action(A1, 'copy_count')),
        badEdit: throws(() => c.edit(A1, 1, 'x')),
      },
      queuedByErrors: window.calls.length - before - 7,
    };
  }, { A1 });
  assert.deepEqual(out.receipts, [{ updateId: 'u1' }, { updateId: 'u2' }, { updateId: 'u3' }, { updateId: 'u4' }, { updateId: 'u5' }]);
  assert.equal(out.aria, 'true', 'programmatic rate reflects on the answer’s thumbs');
  assert.deepEqual(out.undo, { eventId: A1.toUpperCase(), feedback: { rating_withdrawn: true } });
  assert.equal(out.edit.feedback.actions.edited, true);
  assert.equal(out.edit.feedback.actions.edit_count, 1);
  assert.deepEqual(out.edit.feedback.edits, [{ op: 'replace', at: 0, from: 'Paris', value: 'Lyon' }]);
  const all = await calls(page);
  assert.deepEqual(all[2], { eventId: null, feedback: { comment: 'whole chat was good' } });
  assert.deepEqual(all[4].feedback, { actions: { share: true, share_count: 2 } });
  for (const [name, e] of Object.entries(out.errors)) {
    assert.equal(e.isFVE, true, `${name} throws FeedbackValidationError`);
    assert.equal(e.code, 'invalid_feedback', name);
  }
  assert.equal(out.errors.badId.first, 'invalid_id');
  assert.equal(out.errors.emptyComment.first, 'empty_comment');
  assert.equal(out.errors.reservedAction.first, 'invalid_action');
  assert.equal(out.queuedByErrors, 0, 'nothing is queued on bad input');
});
