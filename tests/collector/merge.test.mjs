// deepMerge: the merge rule the collector applies to feedback/metadata/...

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepMerge } from '../../collector/merge.mjs';

test('objects merge recursively, scalars and arrays from the patch replace', () => {
  const base = { a: 1, o: { x: 1, y: { z: 1 } }, arr: [1, 2], s: 'keep' };
  const out = deepMerge(base, { a: 2, o: { y: { w: 2 } }, arr: [3], n: null });
  assert.deepEqual(out, { a: 2, o: { x: 1, y: { z: 1, w: 2 } }, arr: [3], s: 'keep', n: null });
  assert.deepEqual(base, { a: 1, o: { x: 1, y: { z: 1 } }, arr: [1, 2], s: 'keep' }, 'inputs untouched');
});

test('an object replaces a scalar and a scalar replaces an object', () => {
  assert.deepEqual(deepMerge({ a: 1, b: { c: 1 } }, { a: { x: 1 }, b: 5 }), { a: { x: 1 }, b: 5 });
});

test('a __proto__ key in parsed JSON cannot re-parent the result', () => {
  const out = deepMerge({}, JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}'));
  assert.equal(/** @type {any} */ (out).polluted, undefined);
  assert.equal(/** @type {any} */ ({}).polluted, undefined);
  assert.equal(out.ok, 1);
});
