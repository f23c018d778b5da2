// Issue 9.7, client side, in real Chromium: a cross-origin endpoint whose
// CORS preflight is refused. The browser reports it only as a TypeError;
// the dead letter must say "CORS preflight refused" with the URL, not
// "max_attempts, last status 0". A control endpoint that allows the origin
// (and the page's extra header) delivers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { launchBrowser, waitFor } from './harness.mjs';
import { assertNoPageErrors, openDeliveryPage, startDeliveryStack } from './delivery-stack.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function crossOriginServer(t, allow) {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push(req.method);
    const cors = allow
      ? {
          'access-control-allow-origin': req.headers.origin ?? '*',
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': 'content-type, x-app',
        }
      : {};
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const updates = JSON.parse(raw).updates;
      res.writeHead(200, { 'content-type': 'application/json', ...cors });
      res.end(JSON.stringify({ results: updates.map((u) => ({ id: u.id, status: 200 })) }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${server.address().port}/feedback`, seen };
}

async function setup(t, endpoint) {
  const stack = await startDeliveryStack();
  const context = await browser.newContext();
  t.after(async () => {
    await context.close();
    await stack.close();
  });
  const page = await openDeliveryPage(context, stack, {
    endpoint,
    headers: { 'x-app': '1' },
    delivery: { retryBaseMs: 20, retryMaxDelayMs: 40, jitter: 0, flushIntervalMs: 20, maxAttempts: 2 },
  });
  return page;
}

test('a refused CORS preflight: the dead letter says so, with the endpoint', async (t) => {
  const endpoint = await crossOriginServer(t, false);
  const page = await setup(t, endpoint.url);
  await page.evaluate(() => client.enrichSpan({ eventId: '11111111-1111-4111-8111-111111111111', feedback: { rating: true } }));
  await waitFor(() => page.evaluate(() => window.errors.some((e) => e.code === 'max_attempts')), { what: 'dead letter' });
  const dead = await page.evaluate(() => window.errors.find((e) => e.code === 'max_attempts'));
  console.log(`  ${dead.cause}`);
  assert.match(dead.cause, new RegExp(`^CORS preflight refused \\(POST ${endpoint.url.replace(/[.]/g, '\\.')}\\)`));
  assert.match(dead.message, /after 2 attempts, last status 0; last: CORS preflight refused/);
  assert.ok(endpoint.seen.includes('OPTIONS'), 'a preflight was sent');
  assert.equal(endpoint.seen.includes('POST'), false, 'the POST itself was blocked');
  assert.equal(await page.evaluate(() => client.stats().inFlight), 0);
  await assertNoPageErrors(page);
});

test('control: the same cross-origin endpoint allowing the origin and header delivers', async (t) => {
  const endpoint = await crossOriginServer(t, true);
  const page = await setup(t, endpoint.url);
  await page.evaluate(() => client.enrichSpan({ eventId: '11111111-1111-4111-8111-111111111111', feedback: { rating: true } }));
  await waitFor(() => page.evaluate(() => window.delivered.length === 1), { what: 'delivery' });
  assert.deepEqual(await page.evaluate(() => window.errors), []);
  await assertNoPageErrors(page);
});
