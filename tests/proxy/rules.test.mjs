// The proxy's copies of core rules, pinned to the shared table
// (tests/rules/table.json): the core does not export its UUID check or the
// retryable-status rule through the wasm boundary, so the proxy keeps one copy
// each in web/server/batch.ts and this test holds them to the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isUuid, isRetryableStatus } from '../../dist/server/index.js';

const table = JSON.parse(readFileSync(new URL('../rules/table.json', import.meta.url), 'utf8'));

test('UUID rule: the table valid/invalid lists', () => {
  for (const v of table.uuid.valid) assert.equal(isUuid(v), true, JSON.stringify(v));
  for (const v of table.uuid.invalid) assert.equal(isUuid(v), false, JSON.stringify(v));
});

test('retryable statuses: the table retryable/unknownEvent/final lists', () => {
  for (const s of table.status.retryable) assert.equal(isRetryableStatus(s), true, String(s));
  for (const s of table.status.final) assert.equal(isRetryableStatus(s), false, String(s));
  // 404 is not "retryable" in the generic sense: the engine retries it only inside its settle window.
  for (const s of table.status.unknownEvent) assert.equal(isRetryableStatus(s), false, String(s));
});
