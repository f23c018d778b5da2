// The dashboard's numbers: flattens every event's feedback into HoneyHive's
// drill-down paths (feedback.actions.copied, feedback.edits.0.value) and
// computes, per path, the measurements HoneyHive charts for its data type:
// booleans as true %, numbers as sum/avg/median/min/max/p95/p98/p99, strings
// grouped with counts. Pure functions, no DOM and no Node APIs, so the same
// file runs in the dashboard page and under node:test.

/** Deeper than HoneyHive allows (5 object + 2 array levels); only a guard against cycles. */
const MAX_DEPTH = 16;

/** @param {unknown} v @returns {v is Record<string, unknown>} */
function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Leaf values of a JSON value with their drill-down paths. Arrays contribute
 * their index as a segment, as HoneyHive's `feedback.edits.0.value`.
 * Nulls and empty containers are not leaves (there is nothing to chart).
 * @param {unknown} value
 * @param {string} [prefix]
 * @returns {Array<{ path: string, value: boolean | number | string }>}
 */
export function flatten(value, prefix = 'feedback') {
  /** @type {Array<{ path: string, value: boolean | number | string }>} */
  const out = [];
  const walk = (/** @type {unknown} */ v, /** @type {string} */ path, /** @type {number} */ depth) => {
    if (depth > MAX_DEPTH) return;
    if (typeof v === 'boolean' || typeof v === 'string') out.push({ path, value: v });
    else if (typeof v === 'number') { if (Number.isFinite(v)) out.push({ path, value: v }); }
    else if (Array.isArray(v)) v.forEach((item, i) => walk(item, `${path}.${i}`, depth + 1));
    else if (isPlainObject(v)) for (const [k, item] of Object.entries(v)) walk(item, `${path}.${k}`, depth + 1);
  };
  walk(value, prefix, 0);
  return out;
}

/**
 * Percentile by linear interpolation between closest ranks (numpy's default,
 * "R-7"): p = 0.5 gives the usual median, p = 1 the max.
 * @param {number[]} sorted ascending, non-empty
 * @param {number} p in [0, 1]
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/**
 * @typedef {{ type: 'boolean', path: string, count: number, trueCount: number, falseCount: number, truePct: number }} BooleanStats
 * @typedef {{ type: 'number', path: string, count: number, sum: number, avg: number, median: number, min: number,
 *   max: number, p95: number, p98: number, p99: number, values: number[] }} NumberStats
 * @typedef {{ type: 'string', path: string, count: number, distinct: number, groups: Array<{ value: string, count: number }> }} StringStats
 * @typedef {BooleanStats | NumberStats | StringStats} PathStats
 */

/** @param {string} path @param {boolean[]} values @returns {BooleanStats} */
export function booleanStats(path, values) {
  const trueCount = values.filter(Boolean).length;
  return {
    type: 'boolean', path, count: values.length, trueCount, falseCount: values.length - trueCount,
    truePct: values.length === 0 ? 0 : (100 * trueCount) / values.length,
  };
}

/** @param {string} path @param {number[]} values non-empty @returns {NumberStats} */
export function numberStats(path, values) {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    type: 'number', path, count: sorted.length, sum, avg: sum / sorted.length,
    median: percentile(sorted, 0.5), min: sorted[0], max: sorted[sorted.length - 1],
    p95: percentile(sorted, 0.95), p98: percentile(sorted, 0.98), p99: percentile(sorted, 0.99),
    values: sorted,
  };
}

/** @param {string} path @param {string[]} values @returns {StringStats} */
export function stringStats(path, values) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const groups = [...counts].map(([value, count]) => ({ value, count }))
    // Most frequent first; ties in a stable, readable order.
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { type: 'string', path, count: values.length, distinct: groups.length, groups };
}

/** Leaf names that say where something happened inside a list element, not what. */
export const POSITIONAL_KEYS = new Set(['at', 'offset', 'index', 'position', 'start', 'end']);

/**
 * True for positional noise such as `feedback.edits.0.at` (a character
 * offset inside the 1st edit): a leaf named in POSITIONAL_KEYS below an array
 * index. Charting offsets with percentiles says nothing, so the dashboard
 * hides them unless asked.
 * @param {string} path
 */
export function isPositionalPath(path) {
  const parts = path.split('.');
  return POSITIONAL_KEYS.has(parts[parts.length - 1]) && parts.slice(0, -1).some((p) => /^\d+$/.test(p));
}

/**
 * Aggregates the feedback of many events. A path seen with more than one
 * type (e.g. `rating` as a boolean thumb in one app and a 1-5 number in
 * another) gets one entry per type, as a chart can only measure one.
 * @param {Array<{ feedback?: unknown }>} events
 * @param {{ prefix?: string, positional?: boolean }} [options] prefix: only paths equal to it or under it;
 *   positional: false leaves out positional noise paths (isPositionalPath)
 * @returns {PathStats[]} sorted by path, then type
 */
export function aggregate(events, { prefix, positional = true } = {}) {
  /** @type {Map<string, { path: string, type: string, values: any[] }>} */
  const byKey = new Map();
  for (const ev of events) {
    for (const { path, value } of flatten(ev?.feedback ?? {})) {
      if (prefix && !isUnder(path, prefix)) continue;
      if (!positional && isPositionalPath(path)) continue;
      const type = typeof value;
      const key = `${path}\u0000${type}`;
      let entry = byKey.get(key);
      if (!entry) byKey.set(key, entry = { path, type, values: [] });
      entry.values.push(value);
    }
  }
  return [...byKey.values()]
    .sort((a, b) => comparePaths(a.path, b.path) || (a.type < b.type ? -1 : 1))
    .map(({ path, type, values }) => type === 'boolean' ? booleanStats(path, values)
      : type === 'number' ? numberStats(path, values) : stringStats(path, values));
}

/** True when `path` is `prefix` or below it (segment-wise: `feedback.a` is not under `feedback.ab`). */
export function isUnder(path, prefix) {
  return path === prefix || path.startsWith(`${prefix}.`);
}

/**
 * Every drill-down prefix of the given leaf paths, for a path selector:
 * `feedback.edits.0.value` yields feedback, feedback.edits, feedback.edits.0
 * and itself. Sorted so parents come before children.
 * @param {string[]} paths
 * @returns {string[]}
 */
export function drillDownPaths(paths) {
  const all = new Set();
  for (const p of paths) {
    const parts = p.split('.');
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join('.'));
  }
  return [...all].sort(comparePaths);
}

/** Path order with array indices compared as numbers (edits.2 before edits.10). */
export function comparePaths(a, b) {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue;
    const na = /^\d+$/.test(pa[i]) ? Number(pa[i]) : NaN;
    const nb = /^\d+$/.test(pb[i]) ? Number(pb[i]) : NaN;
    if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
    return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

/**
 * Equal-width histogram of numbers, for the number chart. Integers spanning a
 * small range (star ratings) get one bin per value so 1..5 reads as 1..5.
 * @param {number[]} values non-empty
 * @param {number} [maxBins]
 * @returns {Array<{ from: number, to: number, count: number, label: string }>}
 */
export function histogram(values, maxBins = 10) {
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (values.every(Number.isInteger) && max - min < maxBins) {
    const bins = [];
    for (let v = min; v <= max; v++) bins.push({ from: v, to: v, count: 0, label: String(v) });
    for (const v of values) bins[v - min].count++;
    return bins;
  }
  if (min === max) return [{ from: min, to: max, count: values.length, label: formatNumber(min) }];
  const width = (max - min) / maxBins;
  const bins = Array.from({ length: maxBins }, (_, i) => {
    const from = min + i * width;
    return { from, to: from + width, count: 0, label: formatNumber(from) };
  });
  for (const v of values) bins[Math.min(maxBins - 1, Math.floor((v - min) / width))].count++;
  return bins;
}

/** Short display form: integers as is, others to 3 significant decimals. */
export function formatNumber(n) {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(Math.abs(n) >= 1 ? 4 : 3)));
}

/**
 * An answer, for the per-answer view: a model span, or any other span that
 * carries feedback.
 * @param {{ event_type?: string | null, feedback?: unknown }} e
 */
export function isAnswer(e) {
  return e.event_type !== 'session' && (e.event_type === 'model' || (isPlainObject(e.feedback) && Object.keys(e.feedback).length > 0));
}

/**
 * Groups events for the dashboard's per-answer and per-session views:
 * `answer` gives one group per answer: a model span, or any other span that
 * carries feedback (a request or tool span without any is plumbing, not an
 * answer); `session` one per session holding the session event and its
 * spans. Newest group first.
 * @template {{ event_id: string, session_id?: string | null, event_type?: string | null, created_at?: number, feedback?: unknown }} E
 * @param {E[]} events
 * @param {'answer' | 'session'} by
 * @returns {Array<{ key: string, events: E[], root: E | undefined }>}
 */
export function groupEvents(events, by) {
  if (by === 'answer') {
    return events.filter(isAnswer)
      .map((e) => ({ key: e.event_id, events: [e], root: e }))
      .sort((a, b) => (b.root?.created_at ?? 0) - (a.root?.created_at ?? 0));
  }
  /** @type {Map<string, E[]>} */
  const bySession = new Map();
  for (const e of events) {
    const k = e.session_id ?? e.event_id;
    if (!bySession.has(k)) bySession.set(k, []);
    /** @type {E[]} */ (bySession.get(k)).push(e);
  }
  return [...bySession].map(([key, evs]) => ({ key, events: evs, root: evs.find((e) => e.event_id === key) }))
    .sort((a, b) => Math.max(0, ...b.events.map((e) => e.created_at ?? 0)) - Math.max(0, ...a.events.map((e) => e.created_at ?? 0)));
}

/**
 * One line for a path's measurements in a compact card: `75% true (4)`,
 * `4` for a single value, `avg 3.5 · 1–5 (6)`, `3 values, 2 distinct`.
 * @param {PathStats} st
 */
export function summary(st) {
  if (st.type === 'boolean') return st.count === 1 ? String(st.trueCount === 1) : `${formatNumber(Math.round(st.truePct * 10) / 10)}% true (${st.count})`;
  if (st.type === 'number') {
    if (st.min === st.max) return st.count === 1 ? formatNumber(st.min) : `${formatNumber(st.min)} (×${st.count})`;
    return `avg ${formatNumber(st.avg)} · ${formatNumber(st.min)}–${formatNumber(st.max)} (${st.count})`;
  }
  if (st.distinct === 1) return st.count === 1 ? st.groups[0].value : `${st.groups[0].value} (×${st.count})`;
  return `${st.count} values, ${st.distinct} distinct`;
}
