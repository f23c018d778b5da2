// validateFeedback against the built package (dist/ + the real .wasm):
// the seed's examples, HoneyHive's limits at their boundaries, and every
// value JSON cannot carry, each reported with its path and a stable code.
import test from 'node:test';
import assert from 'node:assert/strict';
import { validateFeedback } from '../../dist/index.js';

const codes = (r) => r.errors.map((e) => `${e.path} ${e.code}`).sort();
const has = (r, path, code) => r.errors.some((e) => e.path === path && e.code === code);

test('the seed examples are valid, with their drill-down paths', () => {
  const nested = { rating: 5, step1: { retry: true }, edits: [{ value: 'New York' }] };
  assert.deepEqual(validateFeedback(nested), { ok: true, errors: [] });
  assert.equal(validateFeedback({
    rating: true, score: 4, comment: 'Great response', ground_truth: 'Expected answer',
    actions: { copied: true, regenerated: false },
  }).ok, true);
  // The paths exist: break each leaf and see it named.
  const broken = validateFeedback({ rating: 5, step1: { retry: null }, edits: [{ value: undefined }] });
  assert.deepEqual(codes(broken), ['feedback.edits.0.value unsupported_type', 'feedback.step1.retry null_value']);
});

test('works without awaiting init() in Node (synchronous instantiation)', () => {
  // This file never calls init(); the call above already proved it. Assert the shape again.
  const r = validateFeedback({ comment: 'ok' });
  assert.equal(r.ok, true);
  assert.ok(Array.isArray(r.errors));
});

function nest(levels, leaf = true) {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

test('5 nested objects accepted, 6 rejected at the sixth', () => {
  assert.equal(validateFeedback(nest(6)).ok, true); // top + 5 nested
  const r = validateFeedback(nest(7));
  assert.deepEqual(codes(r), ['feedback.a.a.a.a.a.a max_object_depth']);
  assert.match(r.errors[0].message, /^feedback\.a\.a\.a\.a\.a\.a: .*at most 5/);
});

test('2 nested arrays accepted, 3 rejected', () => {
  assert.equal(validateFeedback({ m: [[1]] }).ok, true);
  assert.deepEqual(codes(validateFeedback({ m: [[[1]]] })), ['feedback.m.0.0 max_array_depth']);
});

test('100,000-deep input is rejected cleanly, in both halves', () => {
  const deepObj = nest(100000);
  let deepArr = 1;
  for (let i = 0; i < 100000; i++) deepArr = [deepArr];
  const r1 = validateFeedback(deepObj);
  const r2 = validateFeedback({ x: deepArr });
  assert.deepEqual(codes(r1), ['feedback.a.a.a.a.a.a max_object_depth']);
  assert.deepEqual(codes(r2), ['feedback.x.0.0 max_array_depth']);
});

test('values JSON cannot carry are each reported with their path', () => {
  class Custom {}
  const cyclic = { a: {} };
  cyclic.a.self = cyclic;
  const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
  const getter = {};
  Object.defineProperty(getter, 'boom', { enumerable: true, get() { throw new Error('no'); } });
  const r = validateFeedback({
    nan: NaN, inf: Infinity, ninf: -Infinity, undef: undefined, fn() {}, sym: Symbol('s'), big: 10n,
    date: new Date(0), map: new Map(), custom: new Custom(), cyclic, sparse, getter,
    lone: 'a\uD800b',
  });
  const expected = [
    'feedback.big unsupported_type', 'feedback.custom not_plain_object', 'feedback.cyclic.a.self circular_reference',
    'feedback.date not_plain_object', 'feedback.fn unsupported_type', 'feedback.getter.boom getter_threw',
    'feedback.inf non_finite_number', 'feedback.lone lone_surrogate', 'feedback.map not_plain_object',
    'feedback.nan non_finite_number', 'feedback.ninf non_finite_number', 'feedback.sparse.1 sparse_array',
    'feedback.sym unsupported_type', 'feedback.undef unsupported_type',
  ];
  assert.deepEqual(codes(r), expected);
  for (const e of r.errors) assert.ok(e.message.startsWith(`${e.path}: `), e.message);
});

test('a shared (non-cyclic) object is fine', () => {
  const shared = { v: 1 };
  assert.equal(validateFeedback({ a: shared, b: shared, c: [shared, shared] }).ok, true);
});

test('Proxies with throwing traps and revoked Proxies are reported, not thrown', () => {
  const trap = new Proxy({}, { ownKeys() { throw new Error('trap'); } });
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  const r = validateFeedback({ trap, revoked: proxy });
  assert.ok(has(r, 'feedback.trap', 'getter_threw'));
  assert.ok(has(r, 'feedback.revoked', 'getter_threw'));
  const top = validateFeedback(new Proxy({}, { getPrototypeOf() { throw new Error('x'); } }));
  assert.deepEqual(codes(top), ['feedback getter_threw']);
});

test('the top level must be a plain object', () => {
  for (const v of [null, undefined, 1, 'x', true, [], new Date()]) {
    const r = validateFeedback(v);
    assert.equal(r.ok, false);
    assert.equal(r.errors[0].path, 'feedback');
    assert.ok(['not_an_object', 'not_plain_object'].includes(r.errors[0].code), r.errors[0].code);
  }
  assert.equal(validateFeedback(Object.create(null)).ok, true);
  assert.equal(validateFeedback(Object.freeze({ rating: true })).ok, true);
});

test('keys: no dots, not empty, no prototype names (no pollution)', () => {
  const withProto = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}');
  const r = validateFeedback({ 'a.b': 1, '': 2, constructor: 3, nested: withProto });
  assert.deepEqual(codes(r), [
    'feedback."" empty_key', 'feedback.a.b key_contains_dot', 'feedback.constructor forbidden_key',
    'feedback.nested.__proto__ forbidden_key',
  ]);
  assert.equal({}.polluted, undefined);
});

test('well-known fields and configured limits', () => {
  const r = validateFeedback(
    { ground_truth: 1, rating: 'yes', score: 7, comment: 3, actions: { copied: 'x' }, edits: ['x'] },
    { scoreMin: 1, scoreMax: 5 },
  );
  assert.deepEqual(codes(r), [
    'feedback.actions.copied wrong_type', 'feedback.comment wrong_type', 'feedback.edits.0 wrong_type',
    'feedback.ground_truth wrong_type', 'feedback.rating wrong_type', 'feedback.score out_of_range',
  ]);
  assert.equal(validateFeedback({ comment: 'x'.repeat(20) }, { maxStringBytes: 10 }).errors[0].code, 'string_too_long');
  assert.equal(validateFeedback({ big: 'x'.repeat(70000) }).errors.some((e) => e.code === 'too_large'), true);
  const bad = validateFeedback({ a: 1 }, { maxObjectDepth: 9, nope: true });
  assert.deepEqual(codes(bad), ['options.maxObjectDepth invalid_options', 'options.nope invalid_options']);
});

test('megabyte strings are refused quickly, with the size', () => {
  const r = validateFeedback({ comment: 'x'.repeat(1 << 20) });
  assert.ok(has(r, 'feedback.comment', 'string_too_long'));
  assert.match(r.errors.find((e) => e.code === 'string_too_long').message, /1048576 bytes/);
});
