// The dashboard page: reads sessions and events from the collector (through
// the demo server's /api/dashboard), aggregates every feedback leaf path the
// way HoneyHive charts them (/lib/aggregate.mjs) and draws inline SVG charts
// (/lib/charts.mjs); or groups the feedback per answer (each answer's
// values, marked by where they came from: the page or the backend's span)
// or per session. Positional paths (edits.0.at) are hidden unless asked.
// User text only ever enters the DOM as textContent or through the charts'
// XML escaping.

import { aggregate, drillDownPaths, flatten, formatNumber, groupEvents, isAnswer, isPositionalPath, summary } from '/lib/aggregate.mjs';
import { chartFor } from '/lib/charts.mjs';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const scopeSel = /** @type {HTMLSelectElement} */ ($('scope'));
const pathSel = /** @type {HTMLSelectElement} */ ($('path'));
const groupSel = /** @type {HTMLSelectElement} */ ($('group'));
const positionalBox = /** @type {HTMLInputElement} */ ($('positional'));

/** @type {{ sessions: any[], events: any[], feedback_from_updates?: Record<string, unknown> } | null} */
let data = null;
const query = new URLSearchParams(location.search);
let prefix = query.get('path') ?? 'feedback';
if (['path', 'answer', 'session'].includes(query.get('group') ?? '')) groupSel.value = /** @type {string} */ (query.get('group'));
positionalBox.checked = query.get('positional') === '1';
/** Sessions the user opened or closed, so a refresh keeps them that way. */
const openState = new Map();

/** @param {string} tag @param {Record<string, string>} [attrs] @param {...(Node | string)} children */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

async function load() {
  const res = await fetch('/api/dashboard', { cache: 'no-store' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const next = await res.json();
  // Re-render only on change, so an open selector is not closed by a refresh.
  const signature = (d) => `${d.sessions.length}/${d.events.length}/${Math.max(0, ...d.events.map((e) => e.updated_at ?? 0))}`;
  if (data && signature(data) === signature(next)) return;
  data = next;
  render();
}

function inScope() {
  const scope = scopeSel.value;
  const events = data?.events ?? [];
  return scope === 'all' ? events : events.filter((e) => e.event_type === scope);
}

function render() {
  if (!data) return;
  const events = inScope();
  const leaves = new Set(events.flatMap((e) => flatten(e.feedback ?? {}).map((l) => l.path))
    .filter((p) => positionalBox.checked || !isPositionalPath(p)));
  renderCounters(events, leaves.size);
  renderPathSelect([...leaves]);
  const group = groupSel.value;
  $('view-title').textContent = group === 'answer' ? 'Feedback per answer' : group === 'session' ? 'Feedback per session'
    : 'Aggregates over every feedback path';
  if (group === 'answer') renderAnswers(events);
  else if (group === 'session') renderSessionCards(events);
  else renderCards(events);
  renderSessions();
  document.body.dataset.loaded = String(data.events.length);
}

/** @param {any[]} events @param {number} paths */
function renderCounters(events, paths) {
  const withFeedback = events.filter((e) => Object.keys(e.feedback ?? {}).length > 0).length;
  const spans = data.events.filter((e) => e.event_type !== 'session').length;
  $('counters').replaceChildren(
    ...[['sessions', data.sessions.length], ['spans', spans], ['events with feedback (in view)', withFeedback], ['feedback paths', paths]]
      .map(([label, n]) => el('div', {}, el('b', {}, String(n)), String(label))),
  );
}

/** @param {string[]} leaves */
function renderPathSelect(leaves) {
  const all = drillDownPaths(leaves.length ? leaves : ['feedback']);
  if (!all.includes(prefix)) all.push(prefix);
  pathSel.replaceChildren(...all.map((p) => {
    const depth = p.split('.').length - 1;
    const o = el('option', { value: p }, `${'\u00a0\u00a0'.repeat(depth)}${p}`);
    if (p === prefix) o.setAttribute('selected', '');
    return o;
  }));
  pathSel.value = prefix;
  // Breadcrumbs: each segment of the current path, clickable to go back up.
  const parts = prefix.split('.');
  $('crumbs').replaceChildren(...parts.flatMap((seg, i) => {
    const target = parts.slice(0, i + 1).join('.');
    const b = el('button', { type: 'button', 'data-path': target }, seg);
    b.addEventListener('click', () => setPrefix(target));
    return i === 0 ? [b] : ['.', b];
  }));
}

/** @param {any[]} events */
function renderCards(events) {
  const stats = aggregate(events, { prefix, positional: positionalBox.checked });
  if (stats.length === 0) {
    $('cards').replaceChildren(el('p', { class: 'empty' }, `No feedback under ${prefix} yet: rate an answer in the chat.`));
    return;
  }
  $('cards').replaceChildren(...stats.map((st) => {
    const title = el('button', { type: 'button', title: 'drill into this path' }, st.path);
    title.addEventListener('click', () => setPrefix(st.path));
    const card = el('section', { class: 'card', 'data-path': st.path, 'data-type': st.type },
      el('h3', {}, title, el('span', { class: `badge ${st.type}` }, st.type)));
    const chart = el('div', { class: 'chart-box' });
    chart.innerHTML = chartFor(st); // built with every value XML-escaped
    card.append(chart, measurements(st));
    return card;
  }));
}

/**
 * One card per answer: its question, the start of the answer, and each
 * feedback value under the drill-down path, marked `page` when an update
 * (the page, through the proxy) sent it and `span` when it came only from
 * the span the backend exported.
 * @param {any[]} events
 */
function renderAnswers(events) {
  const groups = groupEvents(events, 'answer');
  const fromUpdates = data?.feedback_from_updates ?? {};
  const cards = groups.map(({ root: e }) => {
    const pagePaths = new Set(flatten(fromUpdates[e.event_id] ?? {}).map((l) => l.path));
    const leaves = flatten(e.feedback ?? {}).filter((l) => isUnder(l.path, prefix) && (positionalBox.checked || !isPositionalPath(l.path)));
    const question = e.inputs?.chat_history?.at?.(-1)?.content ?? e.event_name ?? e.event_id;
    const card = el('section', { class: 'card answer-card', 'data-event': e.event_id },
      el('h3', {}, el('span', { class: 'question' }, clip(String(question), 80)), el('span', { class: 'badge' }, e.event_name ?? '')),
      el('p', { class: 'muted answer-snippet' }, clip(String(e.outputs?.content ?? ''), 120)));
    if (leaves.length === 0) {
      card.append(el('p', { class: 'empty' }, 'no feedback yet'));
      return card;
    }
    const table = el('table', { class: 'leaves' });
    for (const { path, value } of leaves) {
      const origin = pagePaths.has(path) ? 'page' : 'span';
      table.append(el('tr', { 'data-path': path, 'data-origin': origin },
        el('th', {}, path.replace(/^feedback\./, '')),
        el('td', {}, clip(typeof value === 'string' ? value : typeof value === 'number' ? formatNumber(value) : JSON.stringify(value), 80)),
        el('td', {}, el('span', { class: `origin ${origin}` }, origin))));
    }
    card.append(table);
    return card;
  });
  $('cards').replaceChildren(...(cards.length ? cards : [el('p', { class: 'empty' }, 'No answers yet: ask a question in the chat.')]));
}

/**
 * One card per session: every feedback path of its session event and spans
 * in one line each (summary()), so sessions compare at a glance.
 * @param {any[]} events
 */
function renderSessionCards(events) {
  const cards = groupEvents(events, 'session').map(({ key, events: evs }) => {
    const answers = evs.filter(isAnswer).length;
    const stats = aggregate(evs, { prefix, positional: positionalBox.checked });
    const card = el('section', { class: 'card session-card', 'data-session': key },
      el('h3', {}, el('code', {}, key.slice(0, 8)), el('span', { class: 'badge' }, `${answers} answer(s)`)));
    if (stats.length === 0) card.append(el('p', { class: 'empty' }, 'no feedback yet'));
    else {
      const table = el('table', { class: 'leaves' });
      for (const st of stats) {
        table.append(el('tr', { 'data-path': st.path, 'data-type': st.type },
          el('th', {}, st.path.replace(/^feedback\./, '')), el('td', { 'data-summary': '' }, clip(summary(st), 80))));
      }
      card.append(table);
    }
    return card;
  });
  $('cards').replaceChildren(...(cards.length ? cards : [el('p', { class: 'empty' }, 'No sessions yet.')]));
}

/** @param {string} path @param {string} p */
function isUnder(path, p) {
  return path === p || path.startsWith(`${p}.`);
}

/** @param {string} s @param {number} n */
function clip(s, n) {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** @param {import('../aggregate.mjs').PathStats} st */
function measurements(st) {
  /** @type {Array<[string, string]>} */
  let rows;
  if (st.type === 'boolean') {
    rows = [['true %', `${formatNumber(Math.round(st.truePct * 10) / 10)}%`], ['true', String(st.trueCount)],
      ['false', String(st.falseCount)], ['events', String(st.count)]];
  } else if (st.type === 'number') {
    rows = /** @type {const} */ (['count', 'sum', 'avg', 'median', 'min', 'max', 'p95', 'p98', 'p99'])
      .map((k) => [k, formatNumber(st[k])]);
  } else {
    rows = [['values', String(st.count)], ['distinct', String(st.distinct)],
      ...st.groups.slice(0, 3).map((g) => /** @type {[string, string]} */ ([`“${g.value.length > 40 ? `${g.value.slice(0, 39)}…` : g.value}”`, String(g.count)]))];
  }
  const table = el('table', { class: 'measurements' });
  // Two measurements per row keeps the number card compact.
  for (let i = 0; i < rows.length; i += 2) {
    const tr = el('tr');
    for (const [k, v] of rows.slice(i, i + 2)) tr.append(el('th', {}, k), el('td', { 'data-measure': k }, v));
    table.append(tr);
  }
  return table;
}

function renderSessions() {
  const bySession = new Map();
  for (const e of data.events) {
    if (!bySession.has(e.session_id)) bySession.set(e.session_id, []);
    bySession.get(e.session_id).push(e);
  }
  if (data.sessions.length === 0) {
    $('sessions').replaceChildren(el('p', { class: 'empty' }, 'No sessions yet: ask a question in the chat.'));
    return;
  }
  $('sessions').replaceChildren(...data.sessions.map((s, index) => {
    const events = bySession.get(s.session_id) ?? [];
    const root = events.find((e) => e.event_id === s.session_id);
    const all = events.filter((e) => e.event_id !== s.session_id);
    // Request and tool spans without feedback are plumbing: counted, not listed.
    const spans = all.filter(isAnswer);
    const details = el('details', { 'data-session': s.session_id });
    details.open = openState.get(s.session_id) ?? index < 3;
    details.addEventListener('toggle', () => openState.set(s.session_id, details.open));
    details.append(
      el('summary', {}, `${new Date(s.created_at).toLocaleString()} · session ${s.session_id} · ${spans.length} answer(s)`
        + `${all.length > spans.length ? ` (+${all.length - spans.length} other spans)` : ''}, ${s.feedback_count} with feedback`),
      el('p', {}, el('b', {}, 'Session feedback: '), json(root?.feedback)),
    );
    const table = el('table', {}, el('tr', {}, ...['time', 'span', 'question', 'answer', 'feedback'].map((h) => el('th', {}, h))));
    for (const e of spans) {
      table.append(el('tr', { 'data-event': e.event_id },
        el('td', {}, new Date(e.created_at).toLocaleTimeString()),
        el('td', {}, el('code', {}, e.event_id.slice(0, 8)), el('br'), el('span', { class: 'muted' }, e.event_name ?? '')),
        el('td', {}, e.inputs?.chat_history?.at?.(-1)?.content ?? JSON.stringify(e.inputs ?? {})),
        el('td', {}, String(e.outputs?.content ?? JSON.stringify(e.outputs ?? {}))),
        el('td', {}, json(e.feedback)),
      ));
    }
    details.append(spans.length ? table : el('p', { class: 'empty' }, 'no spans'));
    return details;
  }));
}

/** @param {unknown} v */
function json(v) {
  if (!v || (typeof v === 'object' && Object.keys(v).length === 0)) return el('span', { class: 'empty' }, 'none');
  return el('pre', { class: 'feedback-json' }, JSON.stringify(v, null, 2));
}

/** The view's state in the address, so a reload or a shared link shows the same. */
function saveState() {
  const u = new URL(location.href);
  u.searchParams.set('path', prefix);
  if (groupSel.value === 'path') u.searchParams.delete('group'); else u.searchParams.set('group', groupSel.value);
  if (positionalBox.checked) u.searchParams.set('positional', '1'); else u.searchParams.delete('positional');
  history.replaceState(null, '', u);
}

/** @param {string} p */
function setPrefix(p) {
  prefix = p;
  saveState();
  render();
}

pathSel.addEventListener('change', () => setPrefix(pathSel.value));
scopeSel.addEventListener('change', render);
groupSel.addEventListener('change', () => { saveState(); render(); });
positionalBox.addEventListener('change', () => { saveState(); render(); });
$('refresh').addEventListener('click', () => void load());

// Keep the view live while the chat is used in another tab.
setInterval(() => {
  if (/** @type {HTMLInputElement} */ ($('auto')).checked && document.visibilityState === 'visible') load().catch(() => {});
}, 3000);

load().catch((err) => {
  $('cards').replaceChildren(el('p', { class: 'empty' }, `Could not read the collector: ${err.message}`));
});
