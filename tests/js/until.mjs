// Waits until fn() (sync or async) is truthy, polling every `everyMs`;
// fails the test naming `what` after `timeoutMs`. Shared by the delivery
// tests (a helper, not a test file: node --test runs *.test.mjs only).
import assert from 'node:assert/strict';

export async function until(fn, what, timeoutMs = 5000, everyMs = 5) {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  assert.fail(`timed out waiting for ${what}`);
}
