// Recording host for capture.html: what Capture hands to host.enrich /
// host.report is pushed to window.calls / window.reports for the tests.
// Query: ?options=<JSON CaptureOptions>&attach=0 (to attach from the test).
import { Capture } from '/dist/capture/index.js';
import { FeedbackValidationError } from '/dist/errors.js';

const params = new URLSearchParams(location.search);
window.calls = [];
window.reports = [];
window.windowErrors = [];
window.diffCalls = 0;
window.failEnrich = null;
window.addEventListener('error', (e) => window.windowErrors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => window.windowErrors.push(String(e.reason)));

const host = {
  enrich(eventId, feedback) {
    if (window.failEnrich) throw new Error(window.failEnrich);
    window.calls.push({ eventId: eventId ?? null, feedback: structuredClone(feedback) });
    return { updateId: `u${window.calls.length}` };
  },
  // STAND-IN, not the real diff: the client's host.diff runs the C++ Myers
  // diff in wasm. This one takes the common prefix and suffix and returns
  // one segment in the same shape, which is all Capture relies on.
  diff(original, edited) {
    window.diffCalls++;
    let p = 0;
    while (p < original.length && p < edited.length && original[p] === edited[p]) p++;
    let s = 0;
    while (s < original.length - p && s < edited.length - p && original.at(-1 - s) === edited.at(-1 - s)) s++;
    const from = original.slice(p, original.length - s);
    const value = edited.slice(p, edited.length - s);
    const seg = { op: from && value ? 'replace' : from ? 'delete' : 'insert', at: p };
    if (from) seg.from = from;
    if (value) seg.value = value;
    const distance = from.length + value.length;
    return {
      edits: distance ? [seg] : [],
      edit_stats: {
        edit_distance: distance,
        similarity: 1 - distance / Math.max(1, original.length + edited.length),
        inserted: value.length,
        deleted: from.length,
        segments: distance ? 1 : 0,
        truncated: false,
        exact: true,
      },
    };
  },
  // The client's diff module loads on attach; this stand-in is there at
  // once, or with ?diff=pending when the test calls window.releaseDiff()
  // (and ?diffFail=n: the first n loads reject, as a failed fetch does).
  diffLoaded() {
    return window.diffState.loaded;
  },
  loadDiff() {
    const st = window.diffState;
    st.loads++;
    if (st.loaded) return Promise.resolve();
    if (st.failures > 0) {
      st.failures--;
      return Promise.reject(new Error('diff module fetch failed (test)'));
    }
    return st.pending;
  },
  report(error, context) {
    window.reports.push({ name: error?.name, code: error?.code, message: String(error?.message ?? error), context, errors: error?.errors });
  },
};

let releaseDiff;
window.diffState = {
  loaded: params.get('diff') !== 'pending',
  failures: Number(params.get('diffFail') ?? 0),
  loads: 0,
  pending: new Promise((r) => (releaseDiff = r)),
};
window.releaseDiff = () => {
  window.diffState.loaded = true;
  releaseDiff();
};
window.FeedbackValidationError = FeedbackValidationError;
window.capture = new Capture(host, JSON.parse(params.get('options') ?? '{}'));
if (params.get('attach') !== '0') window.capture.attach(document);

/** Inserts an answer the way a streaming chat UI would, after attach. */
window.addAnswer = (id, text = 'A streamed answer.') => {
  const article = document.createElement('article');
  article.id = `dyn-${document.querySelectorAll('article').length}`;
  article.setAttribute('data-feedback-event', id);
  article.innerHTML = `<p class="text">${text}</p>
    <div class="up" data-feedback="rating" data-feedback-value="up">up</div>
    <div class="down" data-feedback="rating" data-feedback-value="down">down</div>
    <span class="regen" data-feedback-action="regenerate">again</span>`;
  document.getElementById('chat').append(article);
  return article.id;
};

/** A contenteditable answer of `size` characters, for the no-diff-per-keystroke test. */
window.addLargeEditable = (id, size) => {
  const article = document.createElement('article');
  article.id = 'large';
  article.setAttribute('data-feedback-event', id);
  const div = document.createElement('div');
  div.id = 'large-edit';
  div.contentEditable = 'true';
  div.setAttribute('data-feedback-editable', '');
  div.textContent = 'word '.repeat(Math.ceil(size / 5)).slice(0, size);
  article.append(div);
  document.getElementById('chat').append(article);
};

window.ready = true;
