// The dashboard page: reads sessions and events from the collector (through
// the demo server's /api/dashboard), aggregates every feedback leaf path the
// way HoneyHive charts them (/lib/aggregate.mjs) and draws inline SVG charts
// (/lib/charts.mjs). User text only ever enters the DOM as textContent or
// through the charts' XML escaping.

import { aggregate, drillDownPaths, flatten, formatNumber } from '/lib/aggregate.mjs';
import { chartFor } from '/lib/charts.mjs';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const scopeSel = /** @type {HTMLSelectElement} */ ($('scope'));
const pathSel = /** @type {HTMLSelectElement} */ ($('path'));

/** @type {{ sessions: any[], events: any[] } | null} */
let data = null;
let prefix = new URLSearchParams(location.search).get('path') ?? 'feedback';
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
  const leaves = new Set(events.flatMap((e) => flatten(e.feedback ?? {}).map((l) => l.path)));
  renderCounters(events, leaves.size);
  renderPathSelect([...leaves]);
  renderCards(events);
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
  const stats = aggregate(events, { prefix });
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
    const spans = events.filter((e) => e.event_id !== s.session_id);
    const details = el('details', { 'data-session': s.session_id });
    details.open = openState.get(s.session_id) ?? index < 3;
    details.addEventListener('toggle', () => openState.set(s.session_id, details.open));
    details.append(
      el('summary', {}, `${new Date(s.created_at).toLocaleString()} · session ${s.session_id} · ${spans.length} span(s), `
        + `${s.feedback_count} with feedback`),
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

/** @param {string} p */
function setPrefix(p) {
  prefix = p;
  const u = new URL(location.href);
  u.searchParams.set('path', p);
  history.replaceState(null, '', u);
  render();
}

pathSel.addEventListener('change', () => setPrefix(pathSel.value));
scopeSel.addEventListener('change', render);
$('refresh').addEventListener('click', () => void load());

// Keep the view live while the chat is used in another tab.
setInterval(() => {
  if (/** @type {HTMLInputElement} */ ($('auto')).checked && document.visibilityState === 'visible') load().catch(() => {});
}, 3000);

load().catch((err) => {
  $('cards').replaceChildren(el('p', { class: 'empty' }, `Could not read the collector: ${err.message}`));
});
