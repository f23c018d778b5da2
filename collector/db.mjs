// SQLite storage of the collector: events (a session is the root event whose
// event_id equals its session_id), every accepted update (to see what was
// applied and how often), and a log of every HoneyHive-API request with the
// fault injected into it. Plain functions over a better-sqlite3 handle so
// tests can read the file directly.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { deepMerge } from './merge.mjs';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  event_id        TEXT PRIMARY KEY,
  session_id      TEXT,
  parent_id       TEXT,
  event_type      TEXT,
  event_name      TEXT,
  source          TEXT,
  config          TEXT NOT NULL DEFAULT '{}',
  inputs          TEXT NOT NULL DEFAULT '{}',
  outputs         TEXT NOT NULL DEFAULT '{}',
  metadata        TEXT NOT NULL DEFAULT '{}',
  metrics         TEXT NOT NULL DEFAULT '{}',
  feedback        TEXT NOT NULL DEFAULT '{}',
  user_properties TEXT NOT NULL DEFAULT '{}',
  children_ids    TEXT NOT NULL DEFAULT '[]',
  error           TEXT,
  start_time      REAL,
  end_time        REAL,
  duration        REAL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_session ON events(session_id);
CREATE INDEX IF NOT EXISTS events_parent ON events(parent_id);
-- OTLP spans already ingested, to resolve a child's parent_span_id to the
-- parent's event id (which may be an explicit honeyhive_event_id).
CREATE TABLE IF NOT EXISTS spans (
  trace_id TEXT NOT NULL,
  span_id  TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (trace_id, span_id)
);
-- OTLP spans accepted but still inside the ingest lag (kept across a restart).
CREATE TABLE IF NOT EXISTS otlp_pending (
  seq    INTEGER PRIMARY KEY AUTOINCREMENT,
  due_at INTEGER NOT NULL,
  spans  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS updates (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id   TEXT NOT NULL,
  route      TEXT NOT NULL,
  body       TEXT NOT NULL,
  applied_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS updates_event ON updates(event_id);
CREATE TABLE IF NOT EXISTS requests (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  at          INTEGER NOT NULL,
  method      TEXT NOT NULL,
  path        TEXT NOT NULL,
  event_id    TEXT,
  status      INTEGER,
  body_bytes  INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  fault       TEXT
);
`;

/** @type {WeakMap<import('better-sqlite3').Database, Map<string, import('better-sqlite3').Statement>>} */
const statements = new WeakMap();

/**
 * A prepared statement, prepared once per database handle: preparing costs
 * more than running the small queries here (OTLP ingestion runs several per span).
 * @param {import('better-sqlite3').Database} db @param {string} sql
 */
export function stmt(db, sql) {
  let cache = statements.get(db);
  if (!cache) statements.set(db, cache = new Map());
  let st = cache.get(sql);
  if (!st) cache.set(sql, st = db.prepare(sql));
  return st;
}

/** Columns holding JSON text, decoded by rowToEvent. */
const JSON_COLUMNS = ['config', 'inputs', 'outputs', 'metadata', 'metrics', 'feedback', 'user_properties', 'children_ids'];
/** Object columns an update merges into rather than replaces. */
const MERGED_COLUMNS = ['metadata', 'metrics', 'feedback', 'config', 'user_properties'];

/**
 * Opens (creating if needed) the collector database in WAL mode.
 * @param {string} path file path, or ':memory:'
 * @returns {import('better-sqlite3').Database}
 */
export function openDb(path) {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL is durable against process crashes, which is all a test backend needs.
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  // Files written before events had a project column (POST /events/export filters on it).
  const cols = db.prepare('PRAGMA table_info(events)').all().map((/** @type {any} */ c) => c.name);
  if (!cols.includes('project')) db.exec('ALTER TABLE events ADD COLUMN project TEXT');
  return db;
}

/**
 * @typedef {object} EventRow  an event as stored, JSON columns decoded
 * @property {string} event_id
 * @property {string | null} session_id
 * @property {string | null} parent_id
 * @property {string | null} event_type
 * @property {string | null} event_name
 * @property {Record<string, unknown>} feedback
 * @property {Record<string, unknown>} metadata
 * @property {number} created_at
 * @property {number} updated_at
 */

/** @param {any} row @returns {EventRow | undefined} */
function rowToEvent(row) {
  if (!row) return undefined;
  const out = { ...row };
  for (const c of JSON_COLUMNS) out[c] = JSON.parse(row[c]);
  return out;
}

/**
 * @param {import('better-sqlite3').Database} db
 * @param {string} eventId
 */
export function getEvent(db, eventId) {
  return rowToEvent(stmt(db, 'SELECT * FROM events WHERE event_id = ?').get(eventId));
}

/**
 * @param {import('better-sqlite3').Database} db
 * @param {{ session_id?: string, limit?: number }} [filter]
 * @returns {EventRow[]}
 */
export function listEvents(db, { session_id, limit = 1000 } = {}) {
  const rows = session_id === undefined
    ? db.prepare('SELECT * FROM events ORDER BY created_at, rowid LIMIT ?').all(limit)
    : db.prepare('SELECT * FROM events WHERE session_id = ? ORDER BY created_at, rowid LIMIT ?').all(session_id, limit);
  return /** @type {EventRow[]} */ (rows.map(rowToEvent));
}

/**
 * Sessions (root events) with how many events they hold and how many carry feedback.
 * @param {import('better-sqlite3').Database} db
 */
export function listSessions(db) {
  return db.prepare(`
    SELECT s.event_id AS session_id, s.event_name, s.source, s.created_at, s.updated_at,
           (SELECT COUNT(*) FROM events e WHERE e.session_id = s.event_id) AS event_count,
           (SELECT COUNT(*) FROM events e WHERE e.session_id = s.event_id AND e.feedback <> '{}') AS feedback_count
    FROM events s WHERE s.event_type = 'session' AND s.event_id = s.session_id
    ORDER BY s.created_at DESC, s.rowid DESC`).all();
}

/**
 * The request log, oldest first.
 * @param {import('better-sqlite3').Database} db
 * @param {{ method?: string, since?: number, limit?: number }} [filter] since: a seq, exclusive
 * @returns {Array<{seq: number, at: number, method: string, path: string, event_id: string | null,
 *   status: number | null, body_bytes: number, duration_ms: number, fault: string | null}>}
 */
export function listRequests(db, { method, since = 0, limit = 1000 } = {}) {
  return /** @type {any} */ (method === undefined
    ? db.prepare('SELECT * FROM requests WHERE seq > ? ORDER BY seq LIMIT ?').all(since, limit)
    : db.prepare('SELECT * FROM requests WHERE seq > ? AND method = ? ORDER BY seq LIMIT ?').all(since, method, limit));
}

/**
 * Accepted updates of one event (or all), oldest first, body decoded.
 * @param {import('better-sqlite3').Database} db
 * @param {string} [eventId]
 */
export function listUpdates(db, eventId) {
  const rows = eventId === undefined
    ? db.prepare('SELECT * FROM updates ORDER BY seq').all()
    : db.prepare('SELECT * FROM updates WHERE event_id = ? ORDER BY seq').all(eventId);
  return rows.map((/** @type {any} */ r) => ({ ...r, body: JSON.parse(r.body) }));
}

/** @param {import('better-sqlite3').Database} db */
export function getStats(db) {
  const one = (/** @type {string} */ sql) => /** @type {any} */ (db.prepare(sql).get()).n;
  return {
    sessions: one("SELECT COUNT(*) AS n FROM events WHERE event_type = 'session' AND event_id = session_id"),
    events: one('SELECT COUNT(*) AS n FROM events'),
    eventsWithFeedback: one("SELECT COUNT(*) AS n FROM events WHERE feedback <> '{}'"),
    updates: one('SELECT COUNT(*) AS n FROM updates'),
    requests: one('SELECT COUNT(*) AS n FROM requests'),
    faultsInjected: one('SELECT COUNT(*) AS n FROM requests WHERE fault IS NOT NULL'),
    otlpPendingBatches: one('SELECT COUNT(*) AS n FROM otlp_pending'),
    requestsByStatus: Object.fromEntries(
      db.prepare('SELECT COALESCE(status, 0) AS status, COUNT(*) AS n FROM requests GROUP BY status').all()
        .map((/** @type {any} */ r) => [String(r.status), r.n])),
  };
}

/**
 * Inserts an event; if the id exists, merges instead (POST /v1/sessions is
 * idempotent on session_id per the spec).
 * @param {import('better-sqlite3').Database} db
 * @param {Record<string, any>} ev with event_id, session_id, parent_id, event_type, ...
 * @returns {EventRow}
 */
export function insertEvent(db, ev) {
  const existing = getEvent(db, ev.event_id);
  if (existing) {
    applyUpdate(db, ev.event_id, { metadata: ev.metadata ?? {}, user_properties: ev.user_properties ?? {} }, null);
    return /** @type {EventRow} */ (getEvent(db, ev.event_id));
  }
  const now = Date.now();
  stmt(db, `INSERT INTO events (event_id, session_id, parent_id, event_type, event_name, source, config, inputs,
      outputs, metadata, metrics, feedback, user_properties, children_ids, error, start_time, end_time, duration,
      created_at, updated_at, project)
    VALUES (@event_id, @session_id, @parent_id, @event_type, @event_name, @source, @config, @inputs, @outputs,
      @metadata, @metrics, @feedback, @user_properties, @children_ids, @error, @start_time, @end_time, @duration,
      @created_at, @updated_at, @project)`).run({
    event_id: ev.event_id, project: typeof ev.project === 'string' ? ev.project : null, session_id: ev.session_id ?? null, parent_id: ev.parent_id ?? null,
    event_type: ev.event_type ?? null, event_name: ev.event_name ?? null, source: ev.source ?? null,
    config: JSON.stringify(ev.config ?? {}), inputs: JSON.stringify(ev.inputs ?? {}),
    outputs: JSON.stringify(ev.outputs ?? {}), metadata: JSON.stringify(ev.metadata ?? {}),
    metrics: JSON.stringify(ev.metrics ?? {}), feedback: JSON.stringify(ev.feedback ?? {}),
    user_properties: JSON.stringify(ev.user_properties ?? {}), children_ids: JSON.stringify(ev.children_ids ?? []),
    error: ev.error ?? null, start_time: ev.start_time ?? now, end_time: ev.end_time ?? null,
    duration: ev.duration ?? null, created_at: now, updated_at: now,
  });
  return /** @type {EventRow} */ (getEvent(db, ev.event_id));
}

/**
 * Applies an UpdateEventRequest body to a stored event inside one
 * transaction: merged columns deep-merge, outputs replace (null keeps),
 * duration/end_time set, children_ids set when non-empty (per the spec).
 * Unknown fields are ignored, as the real API does.
 * @param {import('better-sqlite3').Database} db
 * @param {string} eventId
 * @param {Record<string, any>} body
 * @param {string | null} route logged in `updates` (null: internal merge, not logged)
 * @param {{ autoCreate?: boolean }} [opts]
 * @returns {EventRow | undefined} the updated event, undefined when it does not exist
 */
export function applyUpdate(db, eventId, body, route, { autoCreate = false } = {}) {
  return db.transaction(() => {
    let ev = getEvent(db, eventId);
    if (!ev) {
      if (!autoCreate) return undefined;
      ev = insertEvent(db, { event_id: eventId });
    }
    const row = /** @type {Record<string, any>} */ (ev);
    /** @type {Record<string, unknown>} */
    const set = {};
    for (const c of MERGED_COLUMNS) {
      if (body[c] !== undefined) set[c] = JSON.stringify(deepMerge(row[c], body[c]));
    }
    if (body.outputs !== undefined && body.outputs !== null) set.outputs = JSON.stringify(body.outputs);
    if (Array.isArray(body.children_ids) && body.children_ids.length > 0) set.children_ids = JSON.stringify(body.children_ids);
    if (body.duration !== undefined) set.duration = body.duration;
    if (body.end_time !== undefined) set.end_time = body.end_time;
    set.updated_at = Date.now();
    const cols = Object.keys(set);
    stmt(db, `UPDATE events SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE event_id = @event_id`)
      .run({ ...set, event_id: eventId });
    if (route !== null) {
      stmt(db, 'INSERT INTO updates (event_id, route, body, applied_at) VALUES (?, ?, ?, ?)')
        .run(eventId, route, JSON.stringify(body), set.updated_at);
    }
    return getEvent(db, eventId);
  })();
}

/**
 * @param {import('better-sqlite3').Database} db
 * @param {{ method: string, path: string, event_id?: string, status: number | null, body_bytes: number,
 *   duration_ms: number, fault?: string | null }} entry
 */
export function logRequest(db, entry) {
  stmt(db, `INSERT INTO requests (at, method, path, event_id, status, body_bytes, duration_ms, fault)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(Date.now(), entry.method, entry.path, entry.event_id ?? null,
    entry.status, entry.body_bytes, entry.duration_ms, entry.fault ?? null);
}

/** Empties every table (POST /_reset). @param {import('better-sqlite3').Database} db */
export function resetDb(db) {
  db.exec('DELETE FROM events; DELETE FROM updates; DELETE FROM requests; DELETE FROM spans; DELETE FROM otlp_pending;');
}
