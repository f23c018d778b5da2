// Issue 11.8: init() checks its options. Each bad option rejects with
// TraceFeedbackError `invalid_options`, naming the path and what is
// accepted (the closest known name for a typo); nothing starts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { init, TraceFeedbackError } from '../../dist/index.js';

const base = () => ({ namespace: randomUUID(), transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 200 })) });

const cases = [
  ['delivery.timeoutMs: -5', { delivery: { timeoutMs: -5 } }, /^options\.delivery\.timeoutMs: expected a whole number from 1 to 600000 ms, got -5/],
  ['delivery.timeoutMs: 1e12', { delivery: { timeoutMs: 1e12 } }, /^options\.delivery\.timeoutMs: .*from 1 to 600000 ms, got 1000000000000/],
  ['delivery.timeoutMs: "5s"', { delivery: { timeoutMs: '5s' } }, /options\.delivery\.timeoutMs: .*got "5s"/],
  ["persistence: 'bogus'", { persistence: 'bogus' }, /^options\.persistence: expected one of "auto", "indexeddb", "localstorage", "memory", got "bogus"/],
  ['unknown key (typo)', { endpiont: '/feedback' }, /^options\.endpiont: unknown option \(did you mean endpoint\?\)/],
  ['unknown key (typo, case)', { onerror: () => {} }, /^options\.onerror: unknown option \(did you mean onError\?\)/],
  ['unknown key (no close name)', { zzzzzzzzzzzzz: 1 }, /^options\.zzzzzzzzzzzzz: unknown option \(invalid_options\)$/],
  ['nested typo', { capture: { includeCopiedTxt: true } }, /^options\.capture\.includeCopiedTxt: unknown option \(did you mean capture\.includeCopiedText\?\)/],
  ['a throwing getter', () => Object.defineProperty(base(), 'endpoint', { enumerable: true, get() { throw new Error('no'); } }), /^options\.endpoint: reading the option threw \(no\)/],
  ['a throwing nested getter', { delivery: Object.defineProperty({}, 'maxAttempts', { enumerable: true, get() { throw new Error('nope'); } }) }, /^options\.delivery\.maxAttempts: reading the option threw/],
  ['transport: 42', { transport: 42 }, /^options\.transport: expected "proxy", "honeyhive" or a function, got 42/],
  ['onError: "x"', { onError: 'x' }, /^options\.onError: expected a function, got string/],
  ['namespace: ""', { namespace: '' }, /^options\.namespace: expected a non-empty string/],
  ['token: 5', { token: 5 }, /^options\.token: expected a string or expected a function, got number/],
  ['sessionId not a UUID', { sessionId: 'abc' }, /^options\.sessionId: expected a UUID like "123e4567-e89b-12d3-a456-426614174000", got "abc"/],
  ['an engine key out of range (the core says so)', { delivery: { maxAttempts: -1 } }, /delivery\.maxAttempts/],
];

test('bad options reject with invalid_options naming the path and the accepted values', async () => {
  for (const [name, bad, message] of cases) {
    await assert.rejects(init(typeof bad === 'function' ? bad() : { ...base(), ...bad }), (e) => {
      assert.ok(e instanceof TraceFeedbackError, `${name}: ${e}`);
      assert.equal(e.code, 'invalid_options', name);
      assert.match(e.message, message, name);
      return true;
    });
  }
  // Exactly these values still work.
  const ok = await init({ ...base(), delivery: { timeoutMs: 1 }, persistence: 'memory', capture: { includeCopiedText: true }, token: () => 't' });
  await ok.close();
  const ok2 = await init({ ...base(), delivery: { timeoutMs: 600000 }, debug: false, endpoint: undefined });
  await ok2.close();
});

test('a getter is read once: what was checked is what runs', async () => {
  let reads = 0;
  const options = { ...base() };
  Object.defineProperty(options, 'persistence', { enumerable: true, get: () => (reads++ === 0 ? 'memory' : 'bogus') });
  const client = await init(options);
  assert.equal(client.stats().persistence, 'memory');
  assert.equal(reads, 1);
  await client.close();
});
