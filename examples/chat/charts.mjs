// Inline SVG charts for the dashboard, one per data type, built as strings
// (no chart library, no DOM) so they render in the page and can be checked
// under node:test: a true/false bar for booleans, a histogram with a
// percentile strip for numbers, horizontal bars for string groups.

import { formatNumber, histogram } from './aggregate.mjs';

const W = 360;

/** @param {unknown} s */
export function escapeXml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** @param {string} s @param {number} n */
function clip(s, n) {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/**
 * @param {import('./aggregate.mjs').BooleanStats} st
 */
export function booleanChart(st) {
  const pct = Math.round(st.truePct * 10) / 10;
  const barW = W - 20;
  const trueW = Math.round((barW * st.truePct) / 100);
  return `<svg class="chart chart-boolean" role="img" viewBox="0 0 ${W} 64" width="${W}" height="64"
  data-path="${escapeXml(st.path)}" data-true-pct="${pct}"
  aria-label="${escapeXml(st.path)}: ${pct}% true of ${st.count}">
  <rect x="10" y="10" width="${barW}" height="22" rx="4" class="bar-false"/>
  ${trueW > 0 ? `<rect x="10" y="10" width="${trueW}" height="22" rx="4" class="bar-true"/>` : ''}
  <text x="${W / 2}" y="26" text-anchor="middle" class="bar-label">${pct}% true</text>
  <text x="10" y="52" class="axis">true ${st.trueCount}</text>
  <text x="${W - 10}" y="52" text-anchor="end" class="axis">false ${st.falseCount}</text>
</svg>`;
}

/**
 * A number that only ever took one value: the value itself, large, with how
 * often it was seen. A one-bar histogram (and percentiles all equal to it)
 * would draw a block that says nothing more.
 * @param {import('./aggregate.mjs').NumberStats} st
 */
export function valueChart(st) {
  const v = formatNumber(st.min);
  return `<svg class="chart chart-number chart-value" role="img" viewBox="0 0 ${W} 64" width="${W}" height="64"
  data-path="${escapeXml(st.path)}" data-avg="${v}" data-value="${v}"
  aria-label="${escapeXml(st.path)}: ${v} in all ${st.count}">
  <text x="10" y="40" class="value">${escapeXml(v)}</text>
  <text x="${W - 10}" y="40" text-anchor="end" class="axis">${st.count === 1 ? 'one event' : `every one of ${st.count} events`}</text>
</svg>`;
}

/**
 * Histogram of the values, with min / median / p95 / max marked on a strip
 * below; a single-valued number is drawn as that value (valueChart).
 * @param {import('./aggregate.mjs').NumberStats} st
 */
export function numberChart(st) {
  if (st.min === st.max) return valueChart(st);
  const bins = histogram(st.values);
  const top = Math.max(...bins.map((b) => b.count));
  const plotH = 80;
  const x0 = 10;
  const plotW = W - 20;
  const bw = plotW / bins.length;
  const bars = bins.map((b, i) => {
    const h = top === 0 ? 0 : Math.round((plotH * b.count) / top);
    const x = x0 + i * bw;
    return `<rect x="${(x + 1).toFixed(1)}" y="${10 + plotH - h}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${h}" class="bar-num"><title>${escapeXml(b.label)}: ${b.count}</title></rect>`
      + (bins.length <= 12 ? `<text x="${(x + bw / 2).toFixed(1)}" y="${plotH + 24}" text-anchor="middle" class="axis">${escapeXml(b.label)}</text>` : '')
      + (b.count > 0 ? `<text x="${(x + bw / 2).toFixed(1)}" y="${8 + plotH - h}" text-anchor="middle" class="axis">${b.count}</text>` : '');
  }).join('\n  ');
  // Percentile strip: where min, median, p95 and max fall on the value range.
  const span = st.max - st.min;
  const at = (/** @type {number} */ v) => (x0 + (span === 0 ? plotW / 2 : ((v - st.min) / span) * plotW)).toFixed(1);
  const y = plotH + 40;
  const strip = `<line x1="${at(st.min)}" x2="${at(st.max)}" y1="${y}" y2="${y}" class="strip"/>
  <line x1="${at(st.median)}" x2="${at(st.median)}" y1="${y - 6}" y2="${y + 6}" class="mark-median"><title>median ${formatNumber(st.median)}</title></line>
  <line x1="${at(st.p95)}" x2="${at(st.p95)}" y1="${y - 6}" y2="${y + 6}" class="mark-p95"><title>p95 ${formatNumber(st.p95)}</title></line>`;
  return `<svg class="chart chart-number" role="img" viewBox="0 0 ${W} ${plotH + 60}" width="${W}" height="${plotH + 60}"
  data-path="${escapeXml(st.path)}" data-avg="${formatNumber(st.avg)}"
  aria-label="${escapeXml(st.path)}: avg ${formatNumber(st.avg)} over ${st.count}">
  ${bars}
  ${strip}
  <text x="${x0}" y="${y + 16}" class="axis">min ${formatNumber(st.min)} · median ${formatNumber(st.median)} · p95 ${formatNumber(st.p95)} · max ${formatNumber(st.max)}</text>
</svg>`;
}

/**
 * The most frequent values as horizontal bars (the rest summed in one row).
 * @param {import('./aggregate.mjs').StringStats} st
 * @param {number} [maxRows]
 */
export function stringChart(st, maxRows = 8) {
  const shown = st.groups.slice(0, maxRows);
  const rest = st.groups.slice(maxRows).reduce((s, g) => s + g.count, 0);
  const rows = rest > 0 ? [...shown, { value: `(${st.groups.length - maxRows} more values)`, count: rest }] : shown;
  const top = Math.max(...rows.map((r) => r.count));
  const labelW = 150;
  const barMax = W - labelW - 50;
  const rowH = 22;
  const body = rows.map((r, i) => {
    const y = 6 + i * rowH;
    const w = Math.max(2, Math.round((barMax * r.count) / top));
    return `<text x="${labelW - 6}" y="${y + 14}" text-anchor="end" class="axis"><title>${escapeXml(r.value)}</title>${escapeXml(clip(r.value, 22))}</text>
  <rect x="${labelW}" y="${y + 2}" width="${w}" height="${rowH - 6}" rx="3" class="bar-str"/>
  <text x="${labelW + w + 6}" y="${y + 14}" class="axis">${r.count}</text>`;
  }).join('\n  ');
  const h = 12 + rows.length * rowH;
  return `<svg class="chart chart-string" role="img" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}"
  data-path="${escapeXml(st.path)}" data-distinct="${st.distinct}"
  aria-label="${escapeXml(st.path)}: ${st.distinct} distinct values over ${st.count}">
  ${body}
</svg>`;
}

/** @param {import('./aggregate.mjs').PathStats} st */
export function chartFor(st) {
  return st.type === 'boolean' ? booleanChart(st) : st.type === 'number' ? numberChart(st) : stringChart(st);
}
