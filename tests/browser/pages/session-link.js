// Session linking in a real page: <meta name="honeyhive-session-id"> and the
// W3C baggage header of a fetch response (tests/browser/session-link.test.mjs).
import { init } from '/dist/index.js';

const params = new URLSearchParams(location.search);
const meta = document.createElement('meta');
meta.name = 'honeyhive-session-id';
meta.content = params.get('session');
document.head.append(meta);

const out = { done: false };
window.linkResult = out;
try {
  const client = await init({ endpoint: '/feedback', namespace: params.get('ns'), delivery: { flushIntervalMs: 20 } });
  // Captured before the session is known: it must wait, not be dropped.
  out.early = client.enrichSession({ feedback: { rating: true } });
  out.fromMeta = client.linkFromMeta();
  out.report1 = await client.flush();
  const res = await fetch('/chat');
  out.fromBaggage = client.linkFromResponse(res);
  out.traceparent = client.traceparent;
  client.enrichSession({ feedback: { comment: 'second session' } });
  out.report2 = await client.flush();
} catch (e) {
  out.error = String(e);
}
out.done = true;
