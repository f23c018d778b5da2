// The routes the official TypeScript SDK (honeyhive@1.0.42) calls besides
// PUT /events: POST /session/start, POST /events, GET /session/{id} and
// POST /events/export. Bodies as the SDK writes them (its zod schemas,
// node_modules/honeyhive/models) and as the spec's Legacy* schemas describe:
// the session or event wrapped under a `session` / `event` key, snake_case.
// Each handler takes the parsed body and answers { status, json }.

import { randomUUID } from 'node:crypto';
import { UUID_RE } from './validate.mjs';
import { insertEvent, getEvent } from './db.mjs';
import { isPlainObject } from './merge.mjs';

const EVENT_TYPES = ['model', 'tool', 'chain', 'session'];
/** POST /events/export paging: the spec's default and maximum page size. */
const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 7500;

/** @typedef {{ status: number, json: unknown }} Answer */

/**
 * @param {(message: string) => Answer} bad
 * @param {Record<string, unknown>} obj @param {string} where @param {string[]} objects fields that must be objects when present
 */
function checkObjects(bad, obj, where, objects) {
  for (const k of objects) {
    if (obj[k] !== undefined && !isPlainObject(obj[k])) return bad(`${where}.${k} must be an object`);
  }
  return undefined;
}

const bad = (/** @type {string} */ message) => ({ status: 400, json: { error: message } });

/**
 * POST /session/start `{ session: { project, session_name, source, session_id?, ... } }` → `{ session_id }`.
 * @param {import('better-sqlite3').Database} db @param {Record<string, any>} body
 * @returns {Answer}
 */
export function startSessionLegacy(db, body) {
  const s = body.session;
  if (!isPlainObject(s)) return bad('session is required and must be an object');
  const notObject = checkObjects(bad, s, 'session', ['config', 'inputs', 'outputs', 'metadata', 'metrics', 'feedback', 'user_properties']);
  if (notObject) return notObject;
  if (s.session_id !== undefined && (typeof s.session_id !== 'string' || !UUID_RE.test(s.session_id))) return bad('session.session_id must be a UUID');
  const sessionId = /** @type {string | undefined} */ (s.session_id)?.toLowerCase() ?? randomUUID();
  insertEvent(db, {
    ...s, event_id: sessionId, session_id: sessionId, parent_id: null, event_type: 'session',
    event_name: s.session_name ?? s.event_name ?? 'unknown', source: s.source ?? 'unknown',
  });
  return { status: 200, json: { session_id: sessionId } };
}

/**
 * POST /events `{ event: { project, source, event_name, event_type, config, inputs, duration, ... } }`
 * → `{ success: true, event_id }`.
 * @param {import('better-sqlite3').Database} db @param {Record<string, any>} body
 * @returns {Answer}
 */
export function createEventLegacy(db, body) {
  const e = body.event;
  if (!isPlainObject(e)) return bad('event is required and must be an object');
  if (!EVENT_TYPES.includes(/** @type {string} */ (e.event_type))) return bad(`event.event_type must be one of ${EVENT_TYPES.join(', ')}`);
  if (!isPlainObject(e.inputs)) return bad('event.inputs is required and must be an object');
  const notObject = checkObjects(bad, e, 'event', ['config', 'outputs', 'metadata', 'metrics', 'feedback', 'user_properties']);
  if (notObject) return notObject;
  for (const k of ['event_id', 'session_id', 'parent_id']) {
    if (e[k] !== undefined && (typeof e[k] !== 'string' || !UUID_RE.test(e[k]))) return bad(`event.${k} must be a UUID`);
  }
  const eventId = /** @type {string | undefined} */ (e.event_id)?.toLowerCase() ?? randomUUID();
  const sessionId = /** @type {string | undefined} */ (e.session_id)?.toLowerCase() ?? randomUUID();
  if (e.event_type === 'session') {
    insertEvent(db, { ...e, event_id: sessionId, session_id: sessionId, parent_id: null, event_name: e.event_name ?? 'unknown', source: e.source ?? 'unknown' });
    return { status: 200, json: { success: true, event_id: sessionId } };
  }
  if (!getEvent(db, sessionId)) {
    // The SDK logs spans into sessions it started; a span naming an unknown
    // session still needs its root event to be found by session.
    insertEvent(db, { event_id: sessionId, session_id: sessionId, parent_id: null, event_type: 'session', event_name: 'unknown', source: e.source ?? 'unknown', project: e.project });
  }
  insertEvent(db, {
    ...e, event_id: eventId, session_id: sessionId, parent_id: /** @type {string | undefined} */ (e.parent_id)?.toLowerCase() ?? sessionId,
    event_name: e.event_name ?? 'unknown', source: e.source ?? 'unknown',
  });
  return { status: 200, json: { success: true, event_id: eventId } };
}

/**
 * GET /session/{session_id} → the session event (the SDK reads it as an Event).
 * @param {import('better-sqlite3').Database} db @param {string} sessionId
 * @param {(ev: Record<string, any>) => Record<string, any>} toApi
 * @returns {Answer}
 */
export function getSessionLegacy(db, sessionId, toApi) {
  if (!UUID_RE.test(sessionId)) return bad('session_id must be a UUID');
  const ev = getEvent(db, sessionId.toLowerCase());
  if (!ev || ev.event_type !== 'session') return { status: 404, json: { error: `session ${sessionId} not found` } };
  return { status: 200, json: toApi(ev) };
}

/**
 * POST /events/export `{ project, filters: [{ field, value, operator, type }], dateRange?: { $gte, $lte },
 * projections?, limit?, page? }` → `{ events, totalEvents, count }` (the SDK reads `totalEvents`, the spec
 * names `count`; both are the number of matches before paging). Events in start_time order, oldest first.
 * @param {import('better-sqlite3').Database} db @param {Record<string, any>} body
 * @param {(ev: Record<string, any>) => Record<string, any>} toApi
 * @returns {Answer}
 */
export function exportEventsLegacy(db, body, toApi) {
  if (typeof body.project !== 'string' || body.project === '') return bad('project is required and must be a string');
  if (!Array.isArray(body.filters)) return bad('filters is required and must be an array');
  /** @type {Array<{ field: string, op: string, value: unknown, type: string }>} */
  const filters = [];
  for (const [i, f] of body.filters.entries()) {
    if (!isPlainObject(f) || typeof f.field !== 'string' || f.field === '') return bad(`filters.${i}.field is required and must be a string`);
    const op = f.operator ?? 'is';
    if (!OPERATORS.has(/** @type {string} */ (op))) return bad(`filters.${i}.operator must be one of ${[...OPERATORS].join(', ')}`);
    filters.push({ field: f.field, op: /** @type {string} */ (op), value: f.value, type: typeof f.type === 'string' ? f.type : 'string' });
  }
  /** @type {[number, number]} */
  let range = [-Infinity, Infinity];
  if (body.dateRange !== undefined) {
    const from = parseDate(body.dateRange?.$gte);
    const to = parseDate(body.dateRange?.$lte);
    if (Number.isNaN(from) || Number.isNaN(to)) return bad('dateRange.$gte and dateRange.$lte must be ISO dates or epoch ms');
    range = [from, to];
  }
  const limit = body.limit === undefined ? DEFAULT_LIMIT : Number(body.limit);
  const page = body.page === undefined ? 1 : Number(body.page);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return bad(`limit must be an integer in 1..${MAX_LIMIT}`);
  if (!Number.isInteger(page) || page < 1) return bad('page must be an integer >= 1');
  if (body.projections !== undefined && (!Array.isArray(body.projections) || body.projections.some((p) => typeof p !== 'string'))) {
    return bad('projections must be an array of field names');
  }

  const rows = /** @type {Array<{ event_id: string }>} */ (db.prepare('SELECT event_id FROM events WHERE project = ? ORDER BY start_time, rowid').all(body.project))
    .map((r) => getEvent(db, r.event_id))
    .filter((ev) => ev && /** @type {any} */ (ev).start_time >= range[0] && /** @type {any} */ (ev).start_time <= range[1])
    .map((ev) => toApi(/** @type {Record<string, any>} */ (ev)))
    .filter((ev) => filters.every((f) => matches(ev, f)));
  const pageRows = rows.slice((page - 1) * limit, page * limit);
  const events = body.projections?.length
    ? pageRows.map((ev) => Object.fromEntries(body.projections.filter((/** @type {string} */ p) => p in ev).map((/** @type {string} */ p) => [p, ev[p]])))
    : pageRows;
  return { status: 200, json: { events, totalEvents: rows.length, count: rows.length } };
}

const OPERATORS = new Set(['is', 'is not', 'contains', 'not contains', 'greater than', 'less than', 'exists', 'not exists']);

/** @param {unknown} v */
function parseDate(v) {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return NaN;
  return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
}

/**
 * One filter against an event; `field` is a dotted path (`feedback.rating`),
 * `value` a string the SDK sends whatever `type` says, compared as that type.
 * @param {Record<string, any>} ev @param {{ field: string, op: string, value: unknown, type: string }} f
 */
function matches(ev, { field, op, value, type }) {
  /** @type {any} */
  let v = ev;
  for (const part of field.split('.')) v = v === null || typeof v !== 'object' ? undefined : v[part];
  if (op === 'exists') return v !== undefined && v !== null;
  if (op === 'not exists') return v === undefined || v === null;
  if (v === undefined || v === null) return op === 'is not' || op === 'not contains';
  const want = type === 'number' ? Number(value) : type === 'boolean' ? String(value) === 'true' : String(value ?? '');
  const have = type === 'number' ? Number(v) : type === 'boolean' ? v === true || v === 'true' : typeof v === 'string' ? v : JSON.stringify(v);
  switch (op) {
    case 'is': return have === want;
    case 'is not': return have !== want;
    case 'contains': return String(have).includes(String(want));
    case 'not contains': return !String(have).includes(String(want));
    case 'greater than': return Number(have) > Number(want);
    case 'less than': return Number(have) < Number(want);
    default: return false;
  }
}
