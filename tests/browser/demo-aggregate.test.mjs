// Unit tests of the dashboard's aggregation (examples/chat/aggregate.mjs)
// and its SVG charts: drill-down paths as HoneyHive names them, and the
// measurements per data type checked on data with known answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregate, flatten, percentile, numberStats, booleanStats, stringStats, drillDownPaths, histogram, comparePaths,
  isPositionalPath, groupEvents, isAnswer, summary,
} from '../../examples/chat/aggregate.mjs';
import { booleanChart, numberChart, stringChart, escapeXml } from '../../examples/chat/charts.mjs';

const close = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≈ ${b}`);

test('flatten names leaves with the seed\'s drill-down paths', () => {
  const leaves = flatten({ rating: 5, step1: { retry: true }, edits: [{ value: 'New York' }], empty: {}, none: null, list: [] });
  assert.deepEqual(leaves, [
    { path: 'feedback.rating', value: 5 },
    { path: 'feedback.step1.retry', value: true },
    { path: 'feedback.edits.0.value', value: 'New York' },
  ]);
});

test('flatten skips non-finite numbers and survives absurd depth', () => {
  assert.deepEqual(flatten({ a: NaN, b: Infinity }), []);
  let deep = { leaf: true };
  for (let i = 0; i < 100; i++) deep = { d: deep };
  assert.deepEqual(flatten(deep), []);
});

test('percentiles interpolate between ranks (numpy default) on 1..100', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  close(percentile(xs, 0.5), 50.5);
  close(percentile(xs, 0.95), 95.05);
  close(percentile(xs, 0.98), 98.02);
  close(percentile(xs, 0.99), 99.01);
  assert.equal(percentile(xs, 0), 1);
  assert.equal(percentile(xs, 1), 100);
});

test('number stats: sum, avg, median, min, max, p95, p98, p99 on star scores', () => {
  const st = numberStats('feedback.score', [4, 5, 1, 3, 5, 4, 2, 5, 4, 4]);
  assert.equal(st.count, 10);
  assert.equal(st.sum, 37);
  close(st.avg, 3.7);
  assert.equal(st.median, 4);
  assert.equal(st.min, 1);
  assert.equal(st.max, 5);
  // sorted: 1 2 3 4 4 4 4 5 5 5; rank 0.95*9 = 8.55 -> between 5 and 5
  assert.equal(st.p95, 5);
  assert.deepEqual(st.values, [1, 2, 3, 4, 4, 4, 4, 5, 5, 5]);
});

test('number stats on an even count and on one value', () => {
  const even = numberStats('x', [10, 20, 30, 40]);
  assert.equal(even.median, 25);
  close(even.p95, 38.5); // rank 2.85: 30 + 0.85 * 10
  close(even.p99, 39.7);
  const one = numberStats('x', [7]);
  for (const k of ['sum', 'avg', 'median', 'min', 'max', 'p95', 'p98', 'p99']) assert.equal(one[k], 7, k);
});

test('boolean stats give the true percentage with counts', () => {
  assert.deepEqual(booleanStats('feedback.rating', [true, true, false, true]),
    { type: 'boolean', path: 'feedback.rating', count: 4, trueCount: 3, falseCount: 1, truePct: 75 });
  assert.equal(booleanStats('x', []).truePct, 0);
});

test('string stats group by value, most frequent first', () => {
  const st = stringStats('feedback.comment', ['b', 'a', 'b', 'c', 'b', 'a']);
  assert.equal(st.distinct, 3);
  assert.deepEqual(st.groups, [{ value: 'b', count: 3 }, { value: 'a', count: 2 }, { value: 'c', count: 1 }]);
});

test('aggregate across events: one entry per path and type, prefix drill-down', () => {
  const events = [
    { feedback: { rating: true, score: 4, actions: { copied: true, copy_count: 2 }, edits: [{ value: 'New York' }] } },
    { feedback: { rating: false, score: 2, actions: { regenerated: true } } },
    { feedback: { rating: 5 } }, // another app's numeric rating: charted separately
    { feedback: {} },
    {},
  ];
  const all = aggregate(events);
  assert.deepEqual(all.map((s) => `${s.path}:${s.type}`), [
    'feedback.actions.copied:boolean', 'feedback.actions.copy_count:number', 'feedback.actions.regenerated:boolean',
    'feedback.edits.0.value:string', 'feedback.rating:boolean', 'feedback.rating:number', 'feedback.score:number',
  ]);
  const rating = all.find((s) => s.path === 'feedback.rating' && s.type === 'boolean');
  assert.equal(rating.truePct, 50);
  const actions = aggregate(events, { prefix: 'feedback.actions' });
  assert.equal(actions.length, 3);
  assert.equal(aggregate(events, { prefix: 'feedback.act' }).length, 0, 'prefix matches whole segments only');
});

test('drill-down paths list every parent, array indices in numeric order', () => {
  assert.deepEqual(drillDownPaths(['feedback.edits.10.value', 'feedback.edits.2.value', 'feedback.rating']), [
    'feedback', 'feedback.edits', 'feedback.edits.2', 'feedback.edits.2.value',
    'feedback.edits.10', 'feedback.edits.10.value', 'feedback.rating',
  ]);
  assert.ok(comparePaths('a.2', 'a.10') < 0);
});

test('histogram: one bin per star for small integer ranges, equal width otherwise', () => {
  assert.deepEqual(histogram([1, 4, 4, 5]).map((b) => [b.label, b.count]), [['1', 1], ['2', 0], ['3', 0], ['4', 2], ['5', 1]]);
  const h = histogram([0, 0.25, 0.5, 0.75, 1], 4);
  assert.equal(h.length, 4);
  assert.deepEqual(h.map((b) => b.count), [1, 1, 1, 2]);
  assert.deepEqual(histogram([0.5, 0.5]).map((b) => b.count), [2]);
});

test('charts are SVG carrying their measurements, with text escaped', () => {
  const b = booleanChart(booleanStats('feedback.rating', [true, true]));
  assert.match(b, /^<svg/);
  assert.match(b, /data-true-pct="100"/);
  assert.match(b, />100% true</);
  const n = numberChart(numberStats('feedback.score', [4, 4, 5]));
  assert.match(n, /median 4/);
  assert.match(n, /max 5/);
  const s = stringChart(stringStats('feedback.comment', ['<script>', 'ok', 'ok']));
  assert.ok(!s.includes('<script>'));
  assert.ok(s.includes('&lt;script&gt;'));
  assert.equal(escapeXml(`"'&`), '&quot;&#39;&amp;');
});

test('positional noise paths: a position-named leaf below an array index', () => {
  assert.equal(isPositionalPath('feedback.edits.0.at'), true);
  assert.equal(isPositionalPath('feedback.edits.12.offset'), true);
  assert.equal(isPositionalPath('feedback.edits.0.value'), false);
  assert.equal(isPositionalPath('feedback.at'), false, 'not inside a list element');
  const events = [{ feedback: { edits: [{ at: 3, value: 'x' }], rating: true } }];
  assert.deepEqual(aggregate(events, { positional: false }).map((s) => s.path), ['feedback.edits.0.value', 'feedback.rating']);
  assert.deepEqual(aggregate(events).map((s) => s.path), ['feedback.edits.0.at', 'feedback.edits.0.value', 'feedback.rating']);
});

test('a single-valued number is drawn as its value, a spread as a histogram', () => {
  const one = numberChart(numberStats('feedback.score', [4, 4, 4]));
  assert.match(one, /class="chart chart-number chart-value"/);
  assert.match(one, /data-value="4"/);
  assert.doesNotMatch(one, /bar-num/);
  assert.match(numberChart(numberStats('feedback.score', [3, 4])), /bar-num/);
});

test('groups per answer (model spans or spans with feedback) and per session; one-line summaries', () => {
  const events = [
    { event_id: 's', session_id: 's', event_type: 'session', created_at: 1, feedback: { helpful: true } },
    { event_id: 'req', session_id: 's', event_type: 'chain', created_at: 2, feedback: {} },
    { event_id: 'a1', session_id: 's', event_type: 'model', created_at: 3, feedback: { score: 4 } },
    { event_id: 'tool', session_id: 's', event_type: 'tool', created_at: 4, feedback: { ok: true } },
    { event_id: 't', session_id: 't', event_type: 'session', created_at: 5, feedback: {} },
  ];
  assert.deepEqual(groupEvents(events, 'answer').map((g) => g.key), ['tool', 'a1']);
  assert.equal(isAnswer(events[1]), false);
  const sessions = groupEvents(events, 'session');
  assert.deepEqual(sessions.map((g) => g.key), ['t', 's'], 'newest activity first');
  assert.equal(sessions[1].events.length, 4);
  assert.equal(sessions[1].root?.event_id, 's');
  assert.equal(summary(numberStats('x', [4])), '4');
  assert.equal(summary(numberStats('x', [4, 4, 4])), '4 (×3)');
  assert.equal(summary(numberStats('x', [1, 2])), 'avg 1.5 · 1–2 (2)');
  assert.equal(summary(booleanStats('x', [true, false, true])), '66.7% true (3)');
  assert.equal(summary(booleanStats('x', [false])), 'false');
  assert.equal(summary(stringStats('x', ['a', 'b', 'a'])), '3 values, 2 distinct');
  assert.equal(summary(stringStats('x', ['a'])), 'a');
});
