// trace-feedback/react renders on the server: renderToString of a provider
// and every component with no `window` or `document`, nothing loaded, and
// accessible markup (plain buttons, aria-pressed, labels) in the output.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';
import {
  FeedbackProvider, useFeedbackFor, Thumbs, Stars, CommentBox, CopyButton, RegenerateButton, EditableAnswer,
} from '../../dist/react/index.js';

const EVENT = '6f9619ff-8b86-4d11-b42d-00c04fc964ff';

test('every component renders to a string with no window', () => {
  assert.equal(typeof globalThis.window, 'undefined');
  assert.equal(typeof globalThis.document, 'undefined');
  let state;
  function Probe() {
    state = useFeedbackFor(EVENT);
    return null;
  }
  const html = renderToString(
    h(FeedbackProvider, { options: { endpoint: '/feedback' } },
      h(Thumbs, { eventId: EVENT, className: 'thumbs' }),
      h(Stars, { eventId: EVENT, max: 3 }),
      h(CommentBox, { eventId: EVENT, label: 'Why?' }),
      h(CopyButton, { eventId: EVENT, text: 'answer' }, 'Copy'),
      h(RegenerateButton, { eventId: EVENT, onRegenerate: () => {} }, 'Again'),
      h(EditableAnswer, { eventId: EVENT, original: 'The answer', 'aria-label': 'Answer' }),
      h(Probe),
    ),
  );
  assert.match(html, /<div role="group" aria-label="Rate this answer" class="thumbs"><button type="button" aria-pressed="false" aria-label="Good answer"/);
  assert.equal((html.match(/aria-label="\d of 3 stars"/g) ?? []).length, 3);
  assert.match(html, /<label for="[^"]+">Why\?<\/label><textarea id="[^"]+"/);
  assert.match(html, />Copy<\/button>/);
  assert.match(html, />Again<\/button>/);
  assert.match(html, /<textarea aria-label="Answer">The answer<\/textarea>/);
  assert.deepEqual(
    { thumb: state.thumb, score: state.score, comment: state.comment, copies: state.copies },
    { thumb: null, score: null, comment: null, copies: 0 },
  );
  assert.equal(typeof state.rate, 'function');
});

test('render props replace the markup (headless)', () => {
  const html = renderToString(
    h(FeedbackProvider, { options: {} },
      h(Thumbs, { eventId: EVENT }, ({ thumb }) => h('span', { id: 'mine' }, `thumb=${String(thumb)}`)),
      h(Stars, { eventId: EVENT, max: 2 }, (n, on) => `${n}${on ? '*' : '-'}`),
    ),
  );
  assert.match(html, /<span id="mine">thumb=null<\/span>/);
  assert.match(html, />1-<\/button><button[^>]*>2-<\/button>/);
});

test('useFeedback outside a provider says what is missing', () => {
  assert.throws(() => renderToString(h(Thumbs, { eventId: EVENT })), /needs a <FeedbackProvider>/);
});
