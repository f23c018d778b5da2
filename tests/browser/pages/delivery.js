// Starts the real client for delivery.html. Options come from
// ?options=<JSON>, overridden by window.__deliveryOptions (set by an init
// script, e.g. to change them for the document after a reload), with
// endpoint "/feedback". What the client reports is recorded
// on window for the tests: delivered / errors (onDelivered / onError), and
// windowErrors (anything that escaped into the page).
import { init, FeedbackValidationError, TraceFeedbackError } from '/dist/index.js';

const params = new URLSearchParams(location.search);
window.delivered = [];
window.errors = [];
window.windowErrors = [];
window.addEventListener('error', (e) => window.windowErrors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => window.windowErrors.push(String(e.reason?.stack ?? e.reason)));
window.FeedbackValidationError = FeedbackValidationError;
window.TraceFeedbackError = TraceFeedbackError;

/** Starts a client with these options (the page does it once on load unless ?manual=1). */
window.start = async (extra = {}) => {
  const options = {
    endpoint: '/feedback',
    ...JSON.parse(params.get('options') ?? '{}'),
    ...(window.__deliveryOptions ?? {}),
    ...extra,
    onDelivered: (e) => window.delivered.push(e),
    onError: (e) => window.errors.push({ code: e.code, message: e.message, updateId: e.updateId, eventId: e.eventId, status: e.status, cause: e.cause, feedback: e.feedback }),
  };
  window.client = await init(options);
  return window.client.stats();
};

/** The error init() rejects with, as plain data. */
window.startError = async (extra = {}) => {
  try {
    await window.start(extra);
    return null;
  } catch (e) {
    return { name: e?.name, code: e?.code, message: String(e?.message ?? e), isTraceFeedbackError: e instanceof TraceFeedbackError };
  }
};

if (params.get('manual') === '1') {
  window.ready = true;
} else {
  window.start().then(
    () => (window.ready = true),
    (e) => {
      window.initFailed = String(e?.stack ?? e);
      window.ready = true;
    },
  );
}
