// The demo's server: plays an LLM app's backend in front of the local
// collector (the HoneyHive stand-in). It serves the chat page, the
// dashboard, the React example and the built library; answers chat
// questions with canned text while tracing them with OpenTelemetry as a
// HoneyHive-instrumented service does (tracing.mjs: spans exported by OTLP
// behind the batch processor, one session per browser session, one model
// span per answer whose event id the page gets at once), hands the page the
// session id in a W3C `baggage` header; and mounts the reference proxy at
// /feedback so the page's feedback reaches the collector with a key only
// the server holds. It creates no event by REST: the spans arrive seconds
// later, which is what the client's settle window for 404 is for.

import { createServer } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startCollector } from '../../collector/server.mjs';
import { deepMerge } from '../../collector/merge.mjs';
import { SpanKind } from '@opentelemetry/api';
import { cannedAnswer, CANNED } from './answers.mjs';
import { createTracing } from './tracing.mjs';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const HERE = join(ROOT, 'examples', 'chat');
const PUBLIC = join(HERE, 'public');

const COOKIE = 'tf_demo_session';
const PROJECT = 'trace-feedback-demo';
const SOURCE = 'trace-feedback-demo';
const SESSION_NAME = 'trace-feedback demo chat';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_CHAT_BODY = 16 * 1024;
const MAX_QUESTION = 2000;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// Everything is served from this origin: no CDN, no inline script. WebAssembly
// compilation needs 'wasm-unsafe-eval' and nothing more.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
  + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * URL prefix → directory it maps to. Requests are resolved inside the
 * directory only (no `..` escapes).
 */
const MOUNTS = [
  ['/dist/', join(ROOT, 'dist')],
  ['/lib/', HERE], // aggregate.mjs, charts.mjs: shared by the dashboard page and the tests
  ['/react/dist/', join(ROOT, 'examples', 'react', 'dist')],
  ['/react/', join(ROOT, 'examples', 'react', 'public')],
  ['/', PUBLIC],
];
/** Files under /lib/ the browser may load (the rest of examples/chat is server code). */
const LIB_FILES = new Set(['aggregate.mjs', 'charts.mjs']);

/**
 * @typedef {object} DemoOptions
 * @property {number} [port] 0 picks a free port
 * @property {string} [host]
 * @property {string} [dbPath] the collector's SQLite file when the demo starts its own; default .data/demo.sqlite
 * @property {string} [collectorUrl] use this collector (or the real HoneyHive) instead of starting one
 * @property {string} [apiKey] key for collectorUrl; default $HONEYHIVE_API_KEY
 * @property {number} [latencyMs] pretend the model thinks this long; default 0
 * @property {number} [ingestLagMs] own collector only: its ingest lag; default 0 (start.mjs, the demo, passes 3000)
 * @property {number} [exportDelayMs] the batch span processor's schedule delay; default 200 ms so tests that
 *   rate an answer see its span soon (start.mjs, the demo, passes the SDK's own default, 5000)
 * @property {boolean} [quiet]
 */

/**
 * @param {DemoOptions} [options]
 * @returns {Promise<{ url: string, collector: { url: string, db?: import('better-sqlite3').Database, dbPath?: string, close?: () => Promise<void> },
 *   flushSpans: () => Promise<void>, close: () => Promise<void> }>}
 */
export async function startDemo({
  port = 0, host = '127.0.0.1', dbPath, collectorUrl, apiKey, latencyMs = 0, ingestLagMs = 0, exportDelayMs = 200, quiet = false,
} = {}) {
  const log = quiet ? () => {} : (/** @type {string} */ line) => console.error(line);

  // The key lives in this process only: generated for our own collector, or
  // read from the environment for an external one. The page never sees it.
  /** @type {{ url: string, db?: any, dbPath?: string, close?: () => Promise<void> }} */
  let collector;
  let ownCollector;
  if (collectorUrl) {
    apiKey ??= process.env.HONEYHIVE_API_KEY;
    if (!apiKey) throw new Error('startDemo: collectorUrl needs an apiKey (or HONEYHIVE_API_KEY in the environment)');
    collector = { url: collectorUrl.replace(/\/+$/, '') };
  } else {
    apiKey = randomBytes(24).toString('base64url');
    const file = dbPath ?? join(ROOT, '.data', 'demo.sqlite');
    ownCollector = await startCollector({ port: 0, host: '127.0.0.1', dbPath: file, apiKey, ingestLagMs, log: quiet ? undefined : log });
    collector = { url: ownCollector.url, db: ownCollector.db, dbPath: file, close: () => ownCollector.close() };
  }
  const key = apiKey;

  let proxy;
  try {
    const serverLib = await import(pathToFileURL(join(ROOT, 'dist', 'server', 'index.js')).href);
    proxy = serverLib.createProxyHandler({
      // The demo page posts without signed tokens (one local user); a real app mints them (README, "Tokens").
      apiKey: key, serverUrl: collector.url, allowUnsigned: true, path: '/feedback', timeoutMs: 10_000,
      onError: (/** @type {unknown} */ err, /** @type {any} */ ctx) => log(`proxy: ${ctx.kind} ${ctx.eventId ?? ''}: ${err}`),
    });
  } catch (err) {
    await ownCollector?.close();
    throw new Error(`startDemo: cannot load dist/server/index.js (run bash scripts/build.sh first): ${err}`);
  }

  const tracing = createTracing({
    serverUrl: collector.url, apiKey: key, project: PROJECT, source: SOURCE, exportDelayMs, log,
  });

  /** Reads one event through the HoneyHive API with the server's key (undefined when unknown). */
  async function readEvent(/** @type {string} */ id) {
    const res = await fetch(`${collector.url}/v1/events/${id}`, { headers: { authorization: `Bearer ${key}` } });
    if (!res.ok) { await res.arrayBuffer(); return undefined; }
    return /** @type {any} */ (await res.json()).event;
  }

  /** @type {Set<string>} sessions this process started or confirmed */
  const sessions = new Set();
  /** @type {Map<string, { question: string, sessionId: string, attempt: number }>} span → what it answered */
  const spans = new Map();

  /**
   * The browser session's trace session: from its cookie when we know it,
   * else a new id. A session is not created by a call: its first exported
   * span creates it, as with HoneyHive's OpenTelemetry ingestion.
   */
  async function sessionFor(/** @type {import('node:http').IncomingMessage} */ req) {
    const fromCookie = readCookie(req, COOKIE);
    if (fromCookie && UUID_RE.test(fromCookie)) {
      if (sessions.has(fromCookie)) return { id: fromCookie.toLowerCase(), created: false };
      // A restarted server still honours a session its collector knows (not a cookie naming a span).
      const event = await readEvent(fromCookie).catch(() => undefined);
      if (event?.event_type === 'session') {
        sessions.add(fromCookie);
        return { id: fromCookie.toLowerCase(), created: false };
      }
    }
    const id = randomUUID();
    sessions.add(id);
    return { id, created: true };
  }

  async function handleChat(/** @type {import('node:http').IncomingMessage} */ req, /** @type {import('node:http').ServerResponse} */ res) {
    const body = await readJson(req, MAX_CHAT_BODY);
    if (!body.ok) return sendJson(res, body.status, { error: body.error });
    const { question: asked, regenerate_of: regenerateOf } = body.value ?? {};
    let question = typeof asked === 'string' ? asked.trim() : '';
    let attempt = 0;
    if (regenerateOf !== undefined) {
      const prev = typeof regenerateOf === 'string' ? spans.get(regenerateOf) : undefined;
      if (!prev) return sendJson(res, 400, { error: 'regenerate_of must be the event_id of an answer from this server' });
      question = prev.question;
      attempt = prev.attempt + 1;
    }
    if (question === '' || question.length > MAX_QUESTION) {
      return sendJson(res, 400, { error: `question must be a non-empty string of at most ${MAX_QUESTION} characters` });
    }

    const session = await sessionFor(req);
    // The request's own context (a traced caller's traceparent/baggage), with our session in baggage:
    // the span processor copies it onto every span below.
    const ctx = tracing.withSession(tracing.extract(req.headers), session.id);
    const requestSpan = tracing.tracer.startSpan('POST /api/chat', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'POST', 'url.path': '/api/chat', 'honeyhive.project': PROJECT, 'honeyhive.source': SOURCE,
        'honeyhive.session_name': SESSION_NAME, honeyhive_event_type: 'chain', honeyhive_event_name: 'chat.request',
        'honeyhive_metadata.user_agent': String(req.headers['user-agent'] ?? '').slice(0, 200),
      },
    }, ctx);
    const requestCtx = tracing.withSpan(ctx, requestSpan);

    const canned = cannedAnswer(question, attempt);
    // The page names the answer span by this id (honeyhive_event_id), so it is known before the span is exported.
    const eventId = randomUUID();
    const answerSpan = tracing.tracer.startSpan(regenerateOf ? 'chat.regenerate' : 'chat.answer', {
      attributes: {
        honeyhive_event_id: eventId,
        honeyhive_event_type: 'model',
        honeyhive_event_name: regenerateOf ? 'chat.regenerate' : 'chat.answer',
        'honeyhive.session_name': SESSION_NAME,
        'honeyhive_config.model': 'canned-demo-model', 'honeyhive_config.provider': 'none',
        'honeyhive_config.answer_id': canned.id, 'honeyhive_config.variant': canned.variant,
        'honeyhive_inputs.chat_history.0.role': 'user', 'honeyhive_inputs.chat_history.0.content': question,
        ...(regenerateOf ? { 'honeyhive_metadata.regenerated_from': regenerateOf, 'honeyhive_metadata.attempt': attempt } : {}),
      },
    }, requestCtx);
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    answerSpan.setAttributes({
      'honeyhive_outputs.role': 'assistant', 'honeyhive_outputs.content': canned.answer,
      'honeyhive_metrics.answer_chars': canned.answer.length,
      // Feedback the backend itself knows, as enrich_span(feedback=...) sets it: it lands
      // on the same event as the page's feedback (collector/README.md, "merge").
      'honeyhive_feedback.backend.known_question': canned.id !== 'fallback',
      ...(canned.groundTruth ? { 'honeyhive_feedback.ground_truth': canned.groundTruth } : {}),
    });
    answerSpan.end();
    requestSpan.end();
    spans.set(eventId, { question, sessionId: session.id, attempt });

    res.setHeader('Set-Cookie', `${COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Lax`);
    // What a traced backend propagates: the session in W3C baggage (read by
    // client.linkFromResponse) and the answer span in traceparent.
    for (const [name, value] of Object.entries(tracing.headersFor(tracing.withSpan(ctx, answerSpan)))) res.setHeader(name, value);
    sendJson(res, 200, { answer: canned.answer, event_id: eventId, question, attempt, regenerated_from: regenerateOf ?? null });
  }

  /**
   * Sessions and events for the dashboard, through the collector's read API,
   * plus which feedback paths of each event came from an update (the page,
   * through the proxy) rather than from the span the backend exported.
   */
  async function handleDashboardData(/** @type {import('node:http').ServerResponse} */ res) {
    try {
      const [s, e, u] = await Promise.all([
        fetch(`${collector.url}/api/sessions`).then((r) => r.json()),
        fetch(`${collector.url}/api/events?limit=10000`).then((r) => r.json()),
        fetch(`${collector.url}/api/updates`).then((r) => (r.ok ? r.json() : { updates: [] })),
      ]);
      /** @type {Record<string, Record<string, unknown>>} event id → merged feedback of its updates */
      const fromUpdates = {};
      for (const up of u.updates ?? []) {
        const fb = up.body?.feedback;
        // Deep, as the collector merges: two updates touching actions.* both count.
        if (fb && typeof fb === 'object' && !Array.isArray(fb)) fromUpdates[up.event_id] = deepMerge(fromUpdates[up.event_id], fb);
      }
      sendJson(res, 200, { sessions: s.sessions ?? [], events: e.events ?? [], feedback_from_updates: fromUpdates, generated_at: Date.now() });
    } catch (err) {
      sendJson(res, 502, { error: `collector read failed: ${err}` });
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err) => {
      log(`demo: ${req.method} ${req.url} failed: ${err?.stack ?? err}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });

  async function route(/** @type {import('node:http').IncomingMessage} */ req, /** @type {import('node:http').ServerResponse} */ res) {
    const url = new URL(req.url ?? '/', 'http://demo');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/feedback') return proxy(req, res);
    if (path === '/api/chat') {
      if (method !== 'POST') return methodNotAllowed(req, res, 'POST');
      return handleChat(req, res);
    }
    if (path === '/api/chat/new-session' && method === 'POST') {
      req.resume();
      res.setHeader('Set-Cookie', `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
      return sendJson(res, 200, { ok: true });
    }
    if (path === '/api/questions' && method === 'GET') return sendJson(res, 200, { questions: CANNED.map((c) => c.question) });
    if (path === '/api/dashboard' && method === 'GET') return handleDashboardData(res);
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(req, res, 'GET');
    if (path === '/dashboard' || path === '/dashboard/') return serveFile(res, join(PUBLIC, 'dashboard.html'), method);
    // Browsers ask for /favicon.ico whatever the page links; one SVG icon answers both.
    if (path === '/favicon.ico') return serveFile(res, join(PUBLIC, 'favicon.svg'), method);
    if (path === '/react') return redirect(res, '/react/');
    if (path === '/' || path === '/react/') return serveFile(res, join(path === '/' ? PUBLIC : join(ROOT, 'examples', 'react', 'public'), 'index.html'), method);
    for (const [prefix, dir] of MOUNTS) {
      if (!path.startsWith(prefix)) continue;
      let rel;
      try { rel = decodeURIComponent(path.slice(prefix.length)); } catch { break; }
      if (prefix === '/lib/' && !LIB_FILES.has(rel)) break;
      const file = normalize(join(dir, rel));
      if (!file.startsWith(dir + sep)) break;
      return serveFile(res, file, method);
    }
    sendText(res, 404, 'not found');
  }

  try {
    await new Promise((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolveListen(undefined));
    });
  } catch (err) {
    await tracing.shutdown();
    await ownCollector?.close();
    throw err;
  }
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  let closed = false;
  return {
    url,
    collector,
    /** Exports the ended spans now instead of at the batch processor's next tick. */
    flushSpans: () => tracing.flush(),
    async close() {
      if (closed) return;
      closed = true;
      await new Promise((r) => {
        server.close(() => r(undefined));
        server.closeAllConnections();
      });
      // Export what is still batched before our own collector goes away.
      await tracing.shutdown();
      await ownCollector?.close();
    },
  };
}

/** @param {import('node:http').ServerResponse} res @param {string} file @param {string} method */
async function serveFile(res, file, method) {
  let body;
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    body = await readFile(file);
  } catch {
    const hint = file.includes(`${sep}react${sep}dist${sep}`) ? ' (build it: node examples/react/build.mjs)'
      : file.includes(`${sep}dist${sep}`) ? ' (build the library: bash scripts/build.sh)' : '';
    return sendText(res, 404, `not found${hint}`);
  }
  const type = TYPES[/** @type {keyof typeof TYPES} */ (extname(file))] ?? 'application/octet-stream';
  res.writeHead(200, {
    'content-type': type,
    'content-length': body.length,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(type.startsWith('text/html') ? { 'content-security-policy': CSP } : {}),
  });
  res.end(method === 'HEAD' ? undefined : body);
}

/** @param {import('node:http').IncomingMessage} req @param {string} name */
function readCookie(req, name) {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<{ ok: true, value: any } | { ok: false, status: number, error: string }>}
 */
async function readJson(req, limit) {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  /** @type {Buffer[]} */
  const chunks = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += chunk.length;
    if (bytes <= limit) chunks.push(chunk);
  }
  if (bytes > limit) return { ok: false, status: 413, error: `body larger than ${limit} bytes` };
  if (type !== 'application/json') return { ok: false, status: 415, error: 'Content-Type must be application/json' };
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, status: 400, error: 'body is not valid JSON' };
  }
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {string} text */
function sendText(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** @param {import('node:http').ServerResponse} res @param {string} location */
function redirect(res, location) {
  res.writeHead(302, { location }).end();
}

/** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {string} allow */
function methodNotAllowed(req, res, allow) {
  req.resume();
  res.setHeader('allow', allow);
  sendJson(res, 405, { error: `use ${allow}` });
}
