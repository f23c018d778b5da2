// A page with a strict Content-Security-Policy (no 'unsafe-eval', no inline
// script) runs the library: the wasm is compiled under 'wasm-unsafe-eval'
// and nothing else is needed. The control without 'wasm-unsafe-eval' shows
// the policy is really enforced, and that the failure is a clean rejection.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startStack, launchBrowser, openPage, waitFor } from './harness.mjs';
import { getEvent } from '../../collector/server.mjs';

const STRICT = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self'";
const NO_WASM = "default-src 'none'; script-src 'self'; connect-src 'self'";

async function run(policy) {
  const stack = await startStack({
    headers: (path) => (path.endsWith('/csp.html') ? { 'content-security-policy': policy } : {}),
  });
  const browser = await launchBrowser();
  try {
    const { eventId } = await stack.collector.client.seedSession();
    const page = await openPage(await browser.newContext(), `${stack.url}/tests/browser/pages/csp.html?event=${eventId}`);
    const result = await waitFor(() => page.evaluate(() => window.cspResult?.done && window.cspResult), { what: 'the CSP page' });
    return { result, page, row: getEvent(stack.collector.db, eventId) };
  } finally {
    await browser.close();
    await stack.close();
  }
}

test("strict CSP (script-src 'self' 'wasm-unsafe-eval'): works, no violations", async () => {
  const { result, page, row } = await run(STRICT);
  assert.deepEqual(result.violations, []);
  assert.equal(result.ok, true, JSON.stringify(result.error));
  assert.equal(result.flush.delivered, 1);
  assert.deepEqual(row.feedback, { rating: true, comment: 'csp' });
  assert.deepEqual(page.pageErrors, []);
});

test("control: without 'wasm-unsafe-eval' init rejects cleanly with wasm_load_failed", async () => {
  const { result, page } = await run(NO_WASM);
  assert.equal(result.ok, false);
  assert.equal(result.error.code, 'wasm_load_failed');
  assert.ok(result.violations.length > 0, 'the policy was enforced');
  assert.deepEqual(page.pageErrors, []);
});
