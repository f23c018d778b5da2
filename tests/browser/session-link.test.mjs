// Session linking in Chromium: feedback captured before the session is known
// waits; <meta name="honeyhive-session-id"> links it; a response's W3C
// baggage header (as a backend propagating the trace sends it) re-links.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startStack, launchBrowser, openPage, waitFor } from './harness.mjs';
import { getEvent } from '../../collector/server.mjs';

test('linkFromMeta and linkFromResponse(baggage) route session feedback', async (t) => {
  let second;
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const stack = await startStack({
    routes: {
      '/chat': (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', baggage: `other=1,honeyhive_session_id=${second}`, traceparent });
        res.end('{}');
      },
    },
  });
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await stack.close();
  });
  const first = (await stack.collector.client.seedSession('first')).sessionId;
  second = (await stack.collector.client.seedSession('second')).sessionId;
  const page = await openPage(await browser.newContext(), `${stack.url}/tests/browser/pages/session-link.html?session=${first}&ns=${randomUUID()}`);
  const r = await waitFor(() => page.evaluate(() => window.linkResult?.done && window.linkResult), { what: 'the page' });
  assert.equal(r.error, undefined);
  assert.equal(r.early.waitingForSession, true);
  assert.equal(r.fromMeta, first);
  assert.equal(r.report1.delivered, 1);
  assert.equal(r.fromBaggage, second);
  assert.equal(r.traceparent, traceparent);
  assert.equal(r.report2.delivered, 1);
  assert.deepEqual(getEvent(stack.collector.db, first).feedback, { rating: true });
  assert.deepEqual(getEvent(stack.collector.db, second).feedback, { comment: 'second session' });
  assert.deepEqual(page.pageErrors, []);
});
