// The demo chat page. Feedback is wired only by the data-feedback-*
// attributes in index.html plus client.attach(document); this script does
// what any chat page does anyway (ask, render, copy to the clipboard,
// regenerate) and links the library to the backend's trace with
// client.linkFromResponse(res) on every answer.

const thread = /** @type {HTMLOListElement} */ (document.getElementById('thread'));
const form = /** @type {HTMLFormElement} */ (document.getElementById('ask'));
const input = /** @type {HTMLInputElement} */ (document.getElementById('question'));
const statusEl = /** @type {HTMLElement} */ (document.getElementById('status'));
const sessionEl = /** @type {HTMLElement} */ (document.getElementById('session'));
const template = /** @type {HTMLTemplateElement} */ (document.getElementById('answer-template'));

/** @type {any} the FeedbackClient, or null when the library could not load */
let client = null;
let lastError = '';

// The library is loaded dynamically so the chat still works (without
// feedback) when dist/ has not been built yet.
const ready = (async () => {
  try {
    const { init } = await import('/dist/index.js');
    client = await init({ endpoint: '/feedback' });
    client.attach(document);
    client.onError((/** @type {{ code: string, message: string }} */ e) => { lastError = `${e.code}: ${e.message}`; renderStatus(); });
    client.onDelivered(() => renderStatus());
    // Exposed for the browser tests (and for poking at it from the console).
    window.feedbackClient = client;
  } catch (err) {
    statusEl.textContent = `feedback library not loaded (${err instanceof Error ? err.message : err}); run bash scripts/build.sh`;
    statusEl.classList.add('error');
  }
  return client;
})();
window.feedbackReady = ready;

function renderStatus() {
  if (!client) return;
  const s = client.stats();
  statusEl.textContent = `feedback: ${s.queued} queued · ${s.inFlight} in flight · ${s.sent} sent`
    + (s.retried ? ` · ${s.retried} retried` : '') + (s.deadLettered ? ` · ${s.deadLettered} failed` : '')
    + (s.waitingForSession ? ` · ${s.waitingForSession} waiting for the session` : '')
    + ` · stored in ${s.persistence}` + (lastError ? ` · last error ${lastError}` : '');
  sessionEl.textContent = client.sessionId ? `session ${client.sessionId}` : 'no session yet';
}
setInterval(renderStatus, 400);

/** @param {string} question @returns {HTMLLIElement} */
function addQuestion(question) {
  const li = document.createElement('li');
  li.className = 'turn user';
  const p = document.createElement('p');
  p.textContent = question;
  li.append(p);
  thread.append(li);
  return li;
}

/** A placeholder while the backend "thinks". */
function addPending(after = thread.lastElementChild) {
  const li = document.createElement('li');
  li.className = 'turn assistant pending';
  li.textContent = '…';
  if (after) after.after(li); else thread.append(li);
  return li;
}

/**
 * Asks the backend. The response carries the span id in the body and the
 * session in the `baggage` header, which linkFromResponse hands to the client.
 * @param {Record<string, unknown>} body
 */
async function callChat(body) {
  const res = await fetch('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await ready;
  client?.linkFromResponse(res);
  const json = await res.json();
  if (!res.ok) throw new Error(json.error ?? `HTTP ${res.status}`);
  return /** @type {{ answer: string, event_id: string, question: string }} */ (json);
}

/** @param {{ answer: string, event_id: string, question: string }} a @param {Element} placeholder */
function renderAnswer(a, placeholder) {
  const li = /** @type {HTMLLIElement} */ (template.content.firstElementChild.cloneNode(true));
  const article = /** @type {HTMLElement} */ (li.querySelector('article'));
  article.dataset.feedbackEvent = a.event_id;
  article.dataset.question = a.question;
  /** @type {HTMLElement} */ (article.querySelector('.answer-text')).textContent = a.answer;
  /** @type {HTMLElement} */ (article.querySelector('.event-id')).textContent = `span ${a.event_id}`;
  placeholder.replaceWith(li);
  li.scrollIntoView({ block: 'nearest' });
  return article;
}

/** @param {string} question */
async function ask(question) {
  addQuestion(question);
  const pending = addPending();
  try {
    renderAnswer(await callChat({ question }), pending);
  } catch (err) {
    pending.classList.remove('pending');
    pending.classList.add('error');
    pending.textContent = `The backend failed: ${err instanceof Error ? err.message : err}`;
  }
}

/** Brief text next to an answer's buttons. @param {Element} article @param {string} text */
function note(article, text) {
  const el = /** @type {HTMLElement} */ (article.querySelector('.note'));
  el.textContent = text;
  clearTimeout(Number(el.dataset.timer));
  el.dataset.timer = String(setTimeout(() => { el.textContent = ''; }, 2500));
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const q = input.value.trim();
  if (!q) return;
  input.value = '';
  void ask(q);
});

// The page's own behaviour behind the buttons; the attributes only record
// the signals. navigator.clipboard does not fire a `copy` event, so the Copy
// button is counted once (by its attribute), not twice.
document.addEventListener('click', (e) => {
  const target = /** @type {Element} */ (e.target);
  const article = target.closest?.('article.answer');
  if (!article) return;
  if (target.closest('button.copy')) {
    const text = /** @type {HTMLElement} */ (article.querySelector('.answer-text')).innerText;
    // navigator.clipboard exists only in secure contexts (https, localhost).
    const write = navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.reject(new Error('no clipboard'));
    write.then(() => note(article, 'Copied ✓'), () => note(article, 'Copy blocked by the browser'));
  } else if (target.closest('button.regenerate')) {
    void regenerate(/** @type {HTMLElement} */ (article));
  } else if (target.closest('[data-feedback="rating"], [data-feedback="score"]')) {
    note(article, 'Thanks for the feedback');
  }
});

/** A new answer (a new span) for the same question; the old one stays, dimmed. @param {HTMLElement} article */
async function regenerate(article) {
  const li = /** @type {Element} */ (article.closest('li'));
  const button = /** @type {HTMLButtonElement} */ (article.querySelector('button.regenerate'));
  button.disabled = true;
  const pending = addPending(li);
  try {
    const a = await callChat({ regenerate_of: article.dataset.feedbackEvent });
    li.classList.add('superseded');
    renderAnswer(a, pending);
  } catch (err) {
    pending.classList.add('error');
    pending.textContent = `Regenerate failed: ${err instanceof Error ? err.message : err}`;
  } finally {
    button.disabled = false;
  }
}

// After the library has read the comment (it prevents the submit's
// navigation), clear the box and say thanks. Deferred so the order of the
// two submit listeners does not matter.
document.addEventListener('submit', (e) => {
  const f = /** @type {HTMLFormElement} */ (e.target);
  if (!f.matches('form.comment')) return;
  e.preventDefault();
  setTimeout(() => {
    const box = /** @type {HTMLTextAreaElement} */ (f.elements.namedItem('comment'));
    if (!box.value.trim()) return;
    box.value = '';
    note(/** @type {Element} */ (f.closest('article')), 'Comment sent ✓');
  }, 0);
});

document.getElementById('new-session')?.addEventListener('click', async () => {
  await fetch('/api/chat/new-session', { method: 'POST' });
  thread.replaceChildren();
  sessionEl.textContent = 'a new session starts with the next question';
});

// Suggested questions (the canned model only knows these).
fetch('/api/questions').then((r) => r.json()).then(({ questions }) => {
  const box = /** @type {HTMLElement} */ (document.getElementById('suggestions'));
  for (const q of questions) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'chip';
    b.textContent = q;
    b.addEventListener('click', () => void ask(q));
    box.append(b);
  }
}, () => {});
