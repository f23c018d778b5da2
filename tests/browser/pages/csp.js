// Runs the library under the page's Content-Security-Policy and records what
// happened for tests/browser/csp.test.mjs: violations, init, one delivery.
import { init } from '/dist/index.js';

const result = { violations: [], ok: false };
window.cspResult = result;
document.addEventListener('securitypolicyviolation', (e) => {
  result.violations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
const params = new URLSearchParams(location.search);
try {
  const client = await init({ endpoint: '/feedback', delivery: { flushIntervalMs: 20 } });
  window.feedbackClient = client;
  client.enrichSpan({ eventId: params.get('event'), feedback: { rating: true, comment: 'csp' } });
  result.flush = await client.flush();
  result.ok = true;
} catch (e) {
  result.error = { name: e.name, code: e.code, message: String(e.message) };
}
result.done = true;
document.getElementById('status').textContent = JSON.stringify(result);
