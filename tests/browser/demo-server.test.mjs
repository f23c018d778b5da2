// The demo server without a browser: its chat backend is a traced service
// (OpenTelemetry SDK, spans exported by OTLP to the collector; one session
// per browser session, one model span per answer, the session in `baggage`,
// no event posted by REST), Regenerate makes a new span, /feedback reaches
// the collector through the reference proxy with the server's key, static
// files stay inside their folders, and `start.mjs --smoke` works as CI
// would run it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { startDemo } from '../../examples/chat/server.mjs';
import { runSmoke } from '../../examples/chat/smoke.mjs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from './harness.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let dir;
let demo;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trace-feedback-demo-'));
  demo = await startDemo({ dbPath: join(dir, 'demo.sqlite'), exportDelayMs: 100, quiet: true });
});
after(async () => {
  await demo?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** POST /api/chat with an optional cookie; returns status, json, headers, cookie. */
async function chat(body, cookie) {
  const res = await fetch(`${demo.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const setCookie = res.headers.get('set-cookie');
  return { status: res.status, json: await res.json(), headers: res.headers, cookie: setCookie?.split(';')[0] ?? cookie };
}

function row(eventId, file = demo.collector.dbPath) {
  const db = new Database(file, { readonly: true });
  try {
    const r = db.prepare('SELECT * FROM events WHERE event_id = ?').get(eventId);
    return r && { ...r, feedback: JSON.parse(r.feedback), inputs: JSON.parse(r.inputs), outputs: JSON.parse(r.outputs), metadata: JSON.parse(r.metadata) };
  } finally {
    db.close();
  }
}

/** The event once its span has been exported and ingested (spans arrive by OTLP, not at once). */
async function spanRow(eventId, server = demo, timeoutMs = 10000) {
  await server.flushSpans();
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = row(eventId, server.collector.dbPath);
    if (r || Date.now() > end) return r;
    await sleep(50);
  }
}

test('one session per browser session, one model span per answer, session in baggage', async () => {
  const a = await chat({ question: 'What is the capital of New York?' });
  assert.equal(a.status, 200);
  assert.match(a.json.event_id, UUID);
  assert.match(a.json.answer, /NYC/, 'the NYC answer the edit example needs');
  const sessionId = /session_id=([0-9a-f-]{36})/.exec(a.headers.get('baggage'))?.[1];
  assert.match(sessionId, UUID);
  const [, traceId, spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(a.headers.get('traceparent')) ?? [];
  assert.ok(traceId, `traceparent names the answer span: ${a.headers.get('traceparent')}`);

  const b = await chat({ question: 'How do I reverse a list in Python?' }, a.cookie);
  assert.equal(/session_id=([0-9a-f-]{36})/.exec(b.headers.get('baggage'))?.[1], sessionId, 'same cookie, same session');
  const other = await chat({ question: 'What does HTTP 429 mean?' });
  assert.notEqual(/session_id=([0-9a-f-]{36})/.exec(other.headers.get('baggage'))?.[1], sessionId, 'no cookie, new session');

  const span = await spanRow(a.json.event_id);
  assert.ok(span, 'the answer span arrives by OTLP');
  await spanRow(b.json.event_id);
  const session = row(sessionId);
  assert.equal(session.event_type, 'session');
  assert.equal(session.event_name, 'trace-feedback demo chat');
  assert.equal(span.event_type, 'model');
  assert.equal(span.session_id, sessionId);
  assert.equal(span.project, 'trace-feedback-demo');
  assert.equal(span.inputs.chat_history[0].content, 'What is the capital of New York?');
  assert.equal(span.outputs.content, a.json.answer);
  assert.deepEqual(span.feedback, { backend: { known_question: true }, ground_truth: 'The capital of New York is Albany' }, 'feedback the backend set on the span');
  const db = new Database(demo.collector.dbPath, { readonly: true });
  const request = db.prepare('SELECT * FROM events WHERE event_id = ?').get(span.parent_id);
  assert.equal(request.event_name, 'chat.request', 'the answer hangs under the request span');
  assert.equal(request.parent_id, sessionId);
  assert.equal(db.prepare('SELECT event_id FROM spans WHERE trace_id = ? AND span_id = ?').get(traceId, spanId)?.event_id, a.json.event_id,
    'traceparent and event_id name the same span');
  const paths = db.prepare("SELECT DISTINCT method || ' ' || path AS p FROM requests").all().map((r) => r.p);
  assert.ok(paths.includes('POST /opentelemetry/v1/traces'), paths.join(', '));
  assert.ok(!paths.some((p) => /^POST \/(v1\/)?(events|sessions)/.test(p)), `no event posted by REST: ${paths.join(', ')}`);
  const sessions = db.prepare("SELECT COUNT(*) AS n FROM events WHERE event_type = 'session' AND event_id = ?").get(sessionId).n;
  const spans = db.prepare("SELECT COUNT(*) AS n FROM events WHERE event_type = 'model' AND session_id = ?").get(sessionId).n;
  db.close();
  assert.equal(sessions, 1);
  assert.equal(spans, 2);
});

test('Regenerate answers the same question in a new span of the same session', async () => {
  const first = await chat({ question: 'Write a haiku about debugging' });
  const again = await chat({ regenerate_of: first.json.event_id }, first.cookie);
  assert.equal(again.status, 200);
  assert.notEqual(again.json.event_id, first.json.event_id);
  assert.notEqual(again.json.answer, first.json.answer, 'a different variant');
  assert.equal(again.json.question, 'Write a haiku about debugging');
  const span = await spanRow(again.json.event_id);
  assert.equal(span.metadata.regenerated_from, first.json.event_id);
  assert.equal(span.event_name, 'chat.regenerate');
  assert.equal(span.session_id, (await spanRow(first.json.event_id)).session_id);
  const unknown = await chat({ regenerate_of: '00000000-0000-4000-8000-000000000000' });
  assert.equal(unknown.status, 400);
});

test('bad chat requests are refused with a reason', async () => {
  assert.equal((await chat({ question: '   ' })).status, 400);
  assert.equal((await chat({ question: 'x'.repeat(2001) })).status, 400);
  const text = await fetch(`${demo.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
  assert.equal(text.status, 415);
  assert.equal((await fetch(`${demo.url}/api/chat`)).status, 405);
});

test('feedback posted to /feedback lands on the span through the proxy, beside the backend\'s (smoke)', async () => {
  const r = await runSmoke(demo, { retryMs: 50 });
  const merged = { backend: { known_question: true }, ground_truth: 'The capital of New York is Albany', rating: true };
  assert.deepEqual(r.row.feedback, merged);
  assert.deepEqual(row(r.eventId).feedback, merged);
});

test('with an ingest lag the span is not there at first: feedback meets 404 until it is, then merges', async () => {
  const lagged = await startDemo({ dbPath: join(dir, 'lagged.sqlite'), exportDelayMs: 50, ingestLagMs: 400, quiet: true });
  try {
    const r = await runSmoke(lagged, { retryMs: 50 });
    assert.ok(r.notYet >= 1, `the first attempts met "not yet" (${r.notYet})`);
    assert.equal(r.row.feedback.rating, true);
    assert.equal(r.row.feedback.backend.known_question, true);
  } finally {
    await lagged.close();
  }
});

test('pages are served with a CSP and no key; the dashboard data comes from the collector', async () => {
  for (const path of ['/', '/dashboard']) {
    const res = await fetch(demo.url + path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
    const html = await res.text();
    assert.doesNotMatch(html, /https?:\/\/(?!127\.0\.0\.1)/, `${path} loads nothing remote`);
  }
  for (const path of ['/app.js', '/dashboard.js', '/style.css', '/lib/aggregate.mjs', '/lib/charts.mjs']) {
    const res = await fetch(demo.url + path);
    assert.equal(res.status, 200, path);
    assert.doesNotMatch(await res.text(), /apiKey|Bearer/, `${path} holds no key`);
  }
  const dash = await (await fetch(`${demo.url}/api/dashboard`)).json();
  assert.ok(dash.sessions.length >= 1);
  assert.ok(dash.events.some((e) => e.feedback?.rating === true));
});

test('static files stay inside their folders', async () => {
  const raw = (path) => new Promise((resolve, reject) => {
    http.get(`${demo.url}${path}`, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject);
  });
  assert.equal(await raw('/lib/server.mjs'), 404, 'server code is not served');
  assert.equal(await raw('/dist/%2e%2e/package.json'), 404);
  assert.equal(await raw('/..%2f..%2fpackage.json'), 404);
  assert.equal(await raw('/%2e%2e/%2e%2e/package.json'), 404);
});

test('start.mjs --smoke asks, rates, prints the row and exits 0', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['examples/chat/start.mjs', '--smoke', '--port', '0', '--export-delay-ms', '100', '--ingest-lag-ms', '300'], { cwd: ROOT, timeout: 30000 });
  assert.match(stdout, /smoke: OK/);
  assert.match(stdout, /after [1-9]\d* "not yet ingested" answers/);
  assert.match(stdout, /"rating": true/);
  assert.match(stdout, /"event_type": "model"/);
});

test('a restarted server keeps a known session cookie and ignores a cookie naming a span', async () => {
  const file = join(dir, 'restart.sqlite');
  const ask = async (server, cookie) => {
    const res = await fetch(`${server.url}/api/chat`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ question: 'What does trace-feedback do?' }),
    });
    const json = await res.json();
    return { json, session: /session_id=([0-9a-f-]{36})/.exec(res.headers.get('baggage'))[1], cookie: res.headers.get('set-cookie').split(';')[0] };
  };
  const one = await startDemo({ dbPath: file, exportDelayMs: 100, quiet: true });
  const first = await ask(one);
  await one.close(); // exports the batched spans before its collector stops
  assert.ok(row(first.json.event_id, file), 'closing flushed the span');
  const two = await startDemo({ dbPath: file, exportDelayMs: 100, quiet: true });
  try {
    assert.equal((await ask(two, first.cookie)).session, first.session, 'the session survives a restart');
    const forged = await ask(two, `tf_demo_session=${first.json.event_id}`);
    assert.notEqual(forged.session, first.json.event_id, 'a span id is not a session');
  } finally {
    await two.close();
  }
});
