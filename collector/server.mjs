// The local collector: a small stand-in for HoneyHive's data plane that the
// demo and the tests talk to instead of the real service. It implements the
// four write routes the project uses, validated against the project's copy of
// HoneyHive's schemas, stores events in SQLite, logs every request, and can be
// told to misbehave (fail, drop, delay) so retrying clients can be tested.

import { createServer } from 'node:http';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFaults } from './faults.mjs';
import { validate, UUID_RE } from './validate.mjs';
import { createIngestor } from './otlp/ingest.mjs';
import { handleOtlp, OTLP_PATHS, readRaw } from './otlp/route.mjs';
import { startSessionLegacy, createEventLegacy, getSessionLegacy, exportEventsLegacy } from './legacy.mjs';
import {
  openDb, getEvent, listEvents, listSessions, listRequests, listUpdates, getStats,
  insertEvent, applyUpdate, logRequest, resetDb,
} from './db.mjs';

export { getEvent, listEvents, listSessions, listRequests, listUpdates, getStats } from './db.mjs';

/** Largest request body accepted (the real API's limit is unknown; this is generous). */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Placeholder tenancy ids PostSessionStartResponse requires. */
const TENANCY = { org_id: 'local-org', workspace_id: 'local-workspace', project_id: 'local-project' };

/**
 * @typedef {object} CollectorOptions
 * @property {number} [port] 0 picks a free port
 * @property {string} [host]
 * @property {string} [dbPath] SQLite file; default ':memory:' (nothing persists)
 * @property {string} [apiKey] when set, `Authorization: Bearer <apiKey>` must match; otherwise any bearer token passes
 * @property {boolean} [autoCreateEvents] updating an unknown event creates it instead of answering 404
 * @property {number} [ingestLagMs] OTLP spans become events (visible, updatable) only this long after
 *   they arrive; until then GET/PUT of their event answer 404. Default 0 (at once)
 * @property {boolean} [allowReset] enable POST /_reset
 * @property {string[] | '*'} [allowedOrigins] CORS allow-list; default: any http(s) origin on localhost/127.0.0.1/[::1]
 * @property {(line: string) => void} [log]
 */

/**
 * @typedef {object} Collector
 * @property {string} url base URL, e.g. http://127.0.0.1:41234
 * @property {number} port
 * @property {import('better-sqlite3').Database} db
 * @property {import('./faults.mjs').Faults} faults
 * @property {() => void} flushIngest
 * @property {() => Promise<void>} close
 */

/**
 * @param {CollectorOptions} [options]
 * @returns {Promise<Collector>}
 */
export async function startCollector({
  port = 0, host = '127.0.0.1', dbPath = ':memory:', apiKey, autoCreateEvents = false, allowReset = false,
  allowedOrigins, ingestLagMs = 0, log = () => {},
} = {}) {
  if (!Number.isFinite(ingestLagMs) || ingestLagMs < 0) throw new TypeError(`ingestLagMs must be a non-negative number of ms, got ${ingestLagMs}`);
  const db = openDb(dbPath);
  let ingestor = createIngestor(db, { lagMs: ingestLagMs, log });
  const faults = createFaults();
  const isAllowedOrigin = originPolicy(allowedOrigins);
  const keyDigest = apiKey === undefined ? undefined : sha256(apiKey);

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      log(`collector: ${req.method} ${req.url} failed: ${err?.stack ?? err}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal collector error' });
      else res.destroy();
    });
  });

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://collector');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!isAllowedOrigin(origin)) {
        req.resume();
        return sendJson(res, 403, { error: `origin ${origin} is not allowed` });
      }
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      // A browser client must be able to read Retry-After to honour it.
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    }
    if (method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Content-Encoding');
      res.setHeader('Access-Control-Max-Age', '600');
      res.writeHead(204).end();
      return;
    }

    if (method === 'POST' && OTLP_PATHS.has(path)) {
      const t0 = performance.now();
      return handleOtlp(req, res, {
        authorized, maxBytes: MAX_BODY_BYTES, ingestor, log,
        record: (status, bytes) => logRequest(db, {
          method, path, status, body_bytes: bytes, duration_ms: Math.round((performance.now() - t0) * 100) / 100,
        }),
      });
    }

    const write = writeRoute(method, path);
    if (write) return handleWrite(req, res, write, path);

    if (method === 'GET' && path.startsWith('/v1/events/')) {
      if (!authorized(req)) return sendJson(res, 401, { error: 'missing or invalid Authorization: Bearer <api key>' });
      const id = decodeURIComponent(path.slice('/v1/events/'.length));
      if (!UUID_RE.test(id)) return sendJson(res, 400, { error: 'event_id must be a UUID' });
      const ev = getEvent(db, id);
      return ev ? sendJson(res, 200, { event: toApiEvent(ev) }) : sendJson(res, 404, { error: `event ${id} not found` });
    }
    if (method === 'GET' && path.startsWith('/session/')) {
      if (!authorized(req)) return sendJson(res, 401, { error: 'missing or invalid Authorization: Bearer <api key>' });
      const answer = getSessionLegacy(db, safeDecode(path.slice('/session/'.length)), toSdkEvent);
      return sendJson(res, answer.status, answer.json);
    }
    if (method === 'GET' && path.startsWith('/api/')) return handleRead(res, path, url.searchParams);
    if (method === 'GET' && path === '/health') return sendJson(res, 200, { ok: true });
    if (path === '/_faults') {
      if (method === 'GET') return sendJson(res, 200, { faults: faults.list() });
      if (method === 'POST') {
        const body = await readJson(req);
        if (!body.ok) return sendJson(res, body.status, { error: body.error });
        try {
          faults.add(body.value);
        } catch (err) {
          return sendJson(res, 400, { error: /** @type {Error} */ (err).message });
        }
        return sendJson(res, 200, { faults: faults.list() });
      }
    }
    if (path === '/_reset' && method === 'POST') {
      req.resume();
      if (!allowReset) return sendJson(res, 403, { error: 'start the collector with allowReset to use /_reset' });
      ingestor.close();
      resetDb(db);
      ingestor = createIngestor(db, { lagMs: ingestLagMs, log });
      faults.clear();
      return sendJson(res, 200, { ok: true });
    }
    req.resume();
    sendJson(res, 404, { error: `no route ${method} ${path}` });
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {WriteRoute} route
   * @param {string} path
   */
  async function handleWrite(req, res, route, path) {
    const t0 = performance.now();
    const raw = await readBody(req, MAX_BODY_BYTES);
    /** @type {unknown} */
    let body;
    let parseError = false;
    if (raw.ok) {
      try { body = raw.text === '' ? undefined : JSON.parse(raw.text); } catch { parseError = true; }
    }
    const eventId = route.eventId ?? (isObject(body) && typeof body.event_id === 'string' ? body.event_id : undefined);
    /** @type {string | null} */
    let fault = null;
    const finish = (/** @type {number | null} */ status) => logRequest(db, {
      method: route.method, path, event_id: eventId, status, body_bytes: raw.bytes,
      duration_ms: Math.round((performance.now() - t0) * 100) / 100, fault,
    });
    const reply = (/** @type {number} */ status, /** @type {unknown} */ json, /** @type {Record<string, string>} */ headers = {}) => {
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      sendJson(res, status, json);
      finish(status);
    };

    const injected = faults.take(eventId);
    if (injected.delayMs > 0) {
      fault = `delay:${injected.delayMs}`;
      await sleep(injected.delayMs);
    }
    if (injected.drop) {
      fault = fault ? `${fault},drop` : 'drop';
      finish(null);
      req.socket.destroy();
      return;
    }
    if (injected.fail) {
      const f = injected.fail;
      fault = `${fault ? `${fault},` : ''}fail:${f.status}`;
      return reply(/** @type {number} */ (f.status), f.body ?? { error: `injected fault: ${f.status}` },
        f.retryAfter === undefined ? {} : { 'Retry-After': f.retryAfter });
    }

    if (!authorized(req)) return reply(401, { error: 'missing or invalid Authorization: Bearer <api key>' });
    if (!raw.ok) return reply(413, { error: `request body larger than ${MAX_BODY_BYTES} bytes` });
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    // The real API parses JSON bodies only; anything else would arrive there as
    // an empty body, so a client sending text/plain must be caught here.
    if (type !== 'application/json') return reply(415, { error: `Content-Type must be application/json, got ${type || 'none'}` });
    if (parseError || body === undefined) return reply(400, { error: 'request body is not valid JSON' });
    if (route.eventId !== undefined && !UUID_RE.test(route.eventId)) return reply(400, { error: 'event_id must be a UUID' });
    if (route.schema) {
      const check = validate(route.schema, body);
      if (!check.ok) return reply(400, { error: check.message, details: check.issues });
    } else if (!isObject(body)) {
      return reply(400, { error: 'request body must be a JSON object' });
    }
    const b = /** @type {Record<string, any>} */ (body);

    switch (route.kind) {
      case 'update': {
        const id = /** @type {string} */ (eventId);
        const ev = applyUpdate(db, id, b, `${route.method} ${route.template}`, { autoCreate: autoCreateEvents });
        if (!ev) return reply(404, { error: `event ${id} not found` });
        log(`collector: updated ${id} via ${route.method} ${path}`);
        return reply(200, { success: true });
      }
      case 'session': {
        const sessionId = typeof b.session_id === 'string' && UUID_RE.test(b.session_id) ? b.session_id : randomUUID();
        const ev = insertEvent(db, {
          ...b, event_id: sessionId, session_id: sessionId, parent_id: null, event_type: 'session',
          event_name: b.event_name ?? b.session_name ?? 'unknown', source: b.source ?? 'unknown',
        });
        return reply(200, { ...toApiEvent(ev), ...TENANCY });
      }
      case 'event': {
        const eventIdNew = b.event_id ?? randomUUID();
        const sessionId = b.session_id ?? randomUUID();
        insertEvent(db, {
          ...b, event_id: eventIdNew, session_id: sessionId, parent_id: b.parent_id ?? sessionId,
          event_name: b.event_name ?? 'unknown', source: b.source ?? 'unknown',
        });
        return reply(200, { success: true, event_id: eventIdNew });
      }
      case 'legacy-session': {
        const a = startSessionLegacy(db, b);
        return reply(a.status, a.json);
      }
      case 'legacy-event': {
        const a = createEventLegacy(db, b);
        return reply(a.status, a.json);
      }
      case 'export': {
        const a = exportEventsLegacy(db, b, toSdkEvent);
        return reply(a.status, a.json);
      }
    }
  }

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {string} path
   * @param {URLSearchParams} q
   */
  function handleRead(res, path, q) {
    const limit = q.has('limit') ? Number(q.get('limit')) : undefined;
    if (path === '/api/events') {
      return sendJson(res, 200, { events: listEvents(db, { session_id: q.get('session_id') ?? undefined, limit }) });
    }
    if (path.startsWith('/api/events/')) {
      const ev = getEvent(db, decodeURIComponent(path.slice('/api/events/'.length)));
      return ev ? sendJson(res, 200, { event: ev, updates: listUpdates(db, ev.event_id) }) : sendJson(res, 404, { error: 'event not found' });
    }
    if (path === '/api/sessions') return sendJson(res, 200, { sessions: listSessions(db) });
    if (path === '/api/updates') return sendJson(res, 200, { updates: listUpdates(db, q.get('event_id') ?? undefined) });
    if (path === '/api/requests') {
      return sendJson(res, 200, {
        requests: listRequests(db, { method: q.get('method') ?? undefined, since: Number(q.get('since') ?? 0), limit }),
      });
    }
    if (path === '/api/stats') return sendJson(res, 200, getStats(db));
    sendJson(res, 404, { error: `no route GET ${path}` });
  }

  /** @param {import('node:http').IncomingMessage} req */
  function authorized(req) {
    const m = /^Bearer\s+(\S.*)$/i.exec(String(req.headers.authorization ?? ''));
    if (!m) return false;
    return keyDigest === undefined || timingSafeEqual(sha256(m[1].trim()), keyDigest);
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;
  log(`collector: listening on ${url} (db ${dbPath})`);

  let closed = false;
  return {
    url, port: address.port, db, faults,
    /** Ingests every OTLP span still inside the lag at once. */
    flushIngest: () => ingestor.flush(),
    async close() {
      if (closed) return;
      closed = true;
      ingestor.close();
      await new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      });
      db.close();
    },
  };
}

/**
 * @typedef {{ kind: 'update' | 'session' | 'event' | 'legacy-session' | 'legacy-event' | 'export', method: string,
 *   template: string, schema?: string, eventId?: string }} WriteRoute
 *   schema: the $defs entry the body is validated against; none: the handler checks it (legacy.mjs)
 */

/** @param {string} method @param {string} path @returns {WriteRoute | undefined} */
function writeRoute(method, path) {
  if (method === 'PUT' && path.startsWith('/v1/events/')) {
    const rest = path.slice('/v1/events/'.length);
    if (rest === '' || rest.includes('/')) return undefined;
    let eventId;
    try { eventId = decodeURIComponent(rest); } catch { eventId = rest; }
    return { kind: 'update', method, template: '/v1/events/{event_id}', schema: 'UpdateEventRequest', eventId };
  }
  if (method === 'PUT' && path === '/events') return { kind: 'update', method, template: '/events', schema: 'LegacyUpdateEventRequest' };
  if (method === 'POST' && path === '/v1/sessions') return { kind: 'session', method, template: path, schema: 'StartSessionRequest' };
  if (method === 'POST' && path === '/v1/events') return { kind: 'event', method, template: path, schema: 'PostEventRequest' };
  // The official TypeScript SDK's routes (deprecated in the spec, still what honeyhive@1.0.42 calls).
  if (method === 'POST' && path === '/session/start') return { kind: 'legacy-session', method, template: path };
  if (method === 'POST' && path === '/events') return { kind: 'legacy-event', method, template: path };
  if (method === 'POST' && (path === '/events/export' || path === '/v1/events/export')) return { kind: 'export', method, template: path };
  return undefined;
}

/** Event as the API shows it (the collector's bookkeeping columns left out). @param {Record<string, any>} ev */
function toApiEvent(ev) {
  const { created_at: _c, updated_at: _u, ...rest } = ev;
  return rest;
}

/**
 * Event as the SDK's zod schema accepts it: optional fields are absent, not
 * null (only parent_id and error may be null), end_time an integer.
 * @param {Record<string, any>} ev
 */
function toSdkEvent(ev) {
  const out = toApiEvent(ev);
  for (const [k, v] of Object.entries(out)) if (v === null && k !== 'parent_id' && k !== 'error') delete out[k];
  if (typeof out.end_time === 'number') out.end_time = Math.round(out.end_time);
  return out;
}

/** @param {string} s */
function safeDecode(s) {
  try { return decodeURIComponent(s); } catch { return s; }
}

/** @param {string[] | '*' | undefined} allowed */
function originPolicy(allowed) {
  if (allowed === '*') return () => true;
  if (Array.isArray(allowed)) {
    const set = new Set(allowed);
    return (/** @type {string} */ o) => set.has('*') || set.has(o);
  }
  return (/** @type {string} */ o) => /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(o);
}

/** @param {string} s */
function sha256(s) {
  return createHash('sha256').update(s).digest();
}

/** @param {unknown} v @returns {v is Record<string, unknown>} */
function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads the whole body; past `limit` bytes keeps draining but drops the text.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<{ ok: boolean, text: string, bytes: number }>}
 */
async function readBody(req, limit) {
  const raw = await readRaw(req, limit);
  return { ok: raw.ok, text: raw.ok ? raw.body.toString('utf8') : '', bytes: raw.bytes };
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<{ ok: true, value: any } | { ok: false, status: number, error: string }>}
 */
async function readJson(req) {
  const raw = await readBody(req, 64 * 1024);
  if (!raw.ok) return { ok: false, status: 413, error: 'body too large' };
  try {
    return { ok: true, value: JSON.parse(raw.text) };
  } catch {
    return { ok: false, status: 400, error: 'body is not valid JSON' };
  }
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
