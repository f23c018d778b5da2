// Writes mapped OTLP spans into the collector's SQLite file, after the
// ingest lag. HoneyHive ingests exported spans asynchronously, so a span the
// exporter has delivered is still invisible for a while: with `lagMs` > 0
// accepted spans wait in the `otlp_pending` table (durable across a restart)
// and a timer moves them into `events` when they are due. Until then the
// event does not exist for GET /v1/events/{id} and PUT (404).

import { getEvent, insertEvent, stmt } from '../db.mjs';
import { deepMerge } from '../merge.mjs';
import { spanEventId } from './map.mjs';

/** Columns a span and earlier updates both write: merged, the stored value winning a conflict. */
const MERGED = ['feedback', 'metadata', 'metrics', 'config', 'user_properties'];

/**
 * @param {import('better-sqlite3').Database} db
 * @param {{ lagMs?: number, log?: (line: string) => void, now?: () => number }} [options]
 */
export function createIngestor(db, { lagMs = 0, log = () => {}, now = Date.now } = {}) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  let closed = false;

  const insertPending = db.prepare('INSERT INTO otlp_pending (due_at, spans) VALUES (?, ?)');
  const duePending = db.prepare('SELECT seq, spans FROM otlp_pending WHERE due_at <= ? ORDER BY seq');
  const deletePending = db.prepare('DELETE FROM otlp_pending WHERE seq = ?');
  const nextDue = db.prepare('SELECT MIN(due_at) AS at FROM otlp_pending');

  /** Moves every due batch into the events table, then arms the timer for the next one. */
  function drain() {
    timer = undefined;
    if (closed) return;
    const rows = /** @type {Array<{ seq: number, spans: string }>} */ (duePending.all(now()));
    for (const row of rows) {
      db.transaction(() => {
        ingestNow(db, JSON.parse(row.spans));
        deletePending.run(row.seq);
      })();
    }
    if (rows.length > 0) log(`collector: ingested ${rows.length} OTLP batch(es) after the ${lagMs} ms lag`);
    arm();
  }

  function arm() {
    if (closed || timer) return;
    const at = /** @type {any} */ (nextDue.get()).at;
    if (at === null) return;
    timer = setTimeout(drain, Math.max(0, at - now()));
    // Pending spans alone must not keep a process (a test) alive.
    timer.unref();
  }

  // Batches left by a previous run: due ones go in now, the rest on time.
  drain();

  return {
    /** @param {import('./map.mjs').MappedSpan[]} spans */
    accept(spans) {
      if (spans.length === 0) return;
      if (lagMs <= 0) {
        db.transaction(() => ingestNow(db, spans))();
        return;
      }
      insertPending.run(now() + lagMs, JSON.stringify(spans));
      arm();
    },
    /** Ingests every pending batch at once, due or not (tests, shutdown tools). */
    flush() {
      const rows = /** @type {Array<{ seq: number, spans: string }>} */ (db.prepare('SELECT seq, spans FROM otlp_pending ORDER BY seq').all());
      for (const row of rows) {
        db.transaction(() => { ingestNow(db, JSON.parse(row.spans)); deletePending.run(row.seq); })();
      }
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * Stores spans as events (call inside a transaction). The session event is
 * created for a session id seen for the first time. A span whose event
 * already exists (created by an update with autoCreateEvents, or the same
 * span exported twice) merges into it: what is stored wins a conflicting
 * key, because the span was recorded before any feedback given on its answer.
 * @param {import('better-sqlite3').Database} db
 * @param {import('./map.mjs').MappedSpan[]} spans
 */
export function ingestNow(db, spans) {
  const lookupSpan = stmt(db, 'SELECT event_id FROM spans WHERE trace_id = ? AND span_id = ?');
  const recordSpan = stmt(db, 'INSERT OR REPLACE INTO spans (trace_id, span_id, event_id) VALUES (?, ?, ?)');
  const reparent = stmt(db, 'UPDATE events SET parent_id = ? WHERE parent_id = ? AND session_id = ?');
  const exists = stmt(db, 'SELECT 1 FROM events WHERE event_id = ?');
  const touched = new Set();
  for (const m of spans) {
    touched.add(m.session.session_id);
    const ev = m.event;
    if (!exists.get(m.session.session_id)) {
      insertEvent(db, {
        event_id: m.session.session_id, session_id: m.session.session_id, parent_id: null, event_type: 'session',
        event_name: m.session.event_name, source: m.session.source, project: m.session.project,
        start_time: m.session.start_time, user_properties: m.session.user_properties,
      });
    }
    let parent = m.parentEventId;
    if (!parent && m.parentSpanId) {
      const known = /** @type {any} */ (lookupSpan.get(m.traceId, m.parentSpanId));
      parent = known?.event_id ?? spanEventId(m.traceId, m.parentSpanId);
    }
    const row = { ...ev, parent_id: parent ?? ev.session_id };

    const existing = /** @type {Record<string, any> | undefined} */ (getEvent(db, ev.event_id));
    if (!existing) insertEvent(db, row);
    else mergeInto(db, existing, row);

    recordSpan.run(m.traceId, m.spanId, ev.event_id);
    // Children exported before this span named its derived id; point them at the explicit one.
    if (m.explicitEventId) reparent.run(ev.event_id, spanEventId(m.traceId, m.spanId), ev.session_id);
  }
  for (const sessionId of touched) rollUp(db, sessionId);
}

/**
 * What HoneyHive derives from a session's spans: each event's
 * `children_ids` (the events whose parent it is, in start order) and the
 * session event's span of time (start of its first event, end of its last,
 * `duration` in ms). Recomputed from the stored rows after each export, so
 * spans arriving in any order (children first, in several exports) give
 * the same result.
 * @param {import('better-sqlite3').Database} db @param {string} sessionId
 */
function rollUp(db, sessionId) {
  const rows = /** @type {Array<{ event_id: string, parent_id: string | null, start_time: number | null, end_time: number | null, children_ids: string }>} */ (
    stmt(db, 'SELECT event_id, parent_id, start_time, end_time, children_ids FROM events WHERE session_id = ? ORDER BY start_time, event_id').all(sessionId));
  const children = new Map();
  let start = Infinity;
  let end = -Infinity;
  for (const r of rows) {
    if (r.parent_id) children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r.event_id]);
    if (r.event_id === sessionId) continue;
    if (Number.isFinite(r.start_time)) start = Math.min(start, /** @type {number} */ (r.start_time));
    if (Number.isFinite(r.end_time)) end = Math.max(end, /** @type {number} */ (r.end_time));
  }
  const setChildren = stmt(db, 'UPDATE events SET children_ids = ? WHERE event_id = ?');
  for (const r of rows) {
    const derived = children.get(r.event_id);
    if (!derived) continue;
    // Ids stored by other routes (POST /events with children_ids) stay, first.
    let stored = [];
    try { stored = JSON.parse(r.children_ids); } catch { /* unreadable: replaced */ }
    const ids = [...new Set([...(Array.isArray(stored) ? stored : []), ...derived])];
    const text = JSON.stringify(ids);
    if (text !== r.children_ids) setChildren.run(text, r.event_id);
  }
  if (Number.isFinite(start) && Number.isFinite(end)) {
    const session = /** @type {{ start_time: number | null, end_time: number | null } | undefined} */ (
      stmt(db, 'SELECT start_time, end_time FROM events WHERE event_id = ?').get(sessionId));
    if (session) {
      const from = Math.min(session.start_time ?? start, start);
      const to = Math.max(session.end_time ?? end, end);
      stmt(db, 'UPDATE events SET start_time = ?, end_time = ?, duration = ? WHERE event_id = ?').run(from, to, Math.max(0, to - from), sessionId);
    }
  }
}

/** @param {import('better-sqlite3').Database} db @param {Record<string, any>} existing @param {Record<string, any>} span */
function mergeInto(db, existing, span) {
  /** @type {Record<string, unknown>} */
  const set = {};
  for (const c of MERGED) set[c] = JSON.stringify(deepMerge(span[c] ?? {}, existing[c] ?? {}));
  for (const c of ['inputs', 'outputs']) {
    set[c] = JSON.stringify(Object.keys(existing[c] ?? {}).length > 0 ? existing[c] : span[c] ?? {});
  }
  for (const c of ['session_id', 'parent_id', 'event_type', 'event_name', 'source', 'project', 'error', 'start_time', 'end_time', 'duration']) {
    set[c] = span[c] ?? existing[c] ?? null;
  }
  set.updated_at = Date.now();
  stmt(db, `UPDATE events SET ${Object.keys(set).map((c) => `${c} = @${c}`).join(', ')} WHERE event_id = @event_id`)
    .run({ ...set, event_id: existing.event_id });
}
