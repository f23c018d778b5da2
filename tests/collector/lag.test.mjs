// The ingest lag: an OTLP span becomes an event only `ingestLagMs` after it
// arrives, as HoneyHive ingests asynchronously. Until then GET and both PUT
// forms answer 404 for its event id (what the client's settle window is
// for); afterwards they work. Pending spans survive a collector restart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTempCollector, collectorClient, TEST_API_KEY } from '../../collector/testing.mjs';
import { getEvent, getStats } from '../../collector/server.mjs';
import { protobufRequest, hexId } from './otlp-helpers.mjs';

const LAG = 400;
// Long enough that the four requests meant to land inside it do so on a loaded
// machine (with 400 ms the lag could end before the fourth and the test failed).
const INSIDE_LAG = 5000;

/** @param {string} url @param {Uint8Array} body */
async function exportSpans(url, body) {
  const res = await fetch(`${url}/opentelemetry/v1/traces`, {
    method: 'POST', headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/x-protobuf' }, body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** Polls until `fn` is truthy or `ms` pass. @param {() => Promise<unknown>} fn @param {number} ms */
async function until(fn, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await sleep(25);
  }
}

test('inside the lag GET and both PUT forms answer 404; after it the span is an event and updates merge', async () => {
  const c = await startTempCollector({ ingestLagMs: INSIDE_LAG });
  try {
    const sessionId = randomUUID();
    const eventId = randomUUID();
    const sent = Date.now();
    assert.equal(await exportSpans(c.url, protobufRequest([{ traceId: hexId(16), spanId: hexId(8), attributes: { 'honeyhive.session_id': sessionId, honeyhive_event_id: eventId, 'honeyhive_feedback.backend': 'set' } }])), 200);

    assert.equal((await c.client.call('GET', `/v1/events/${eventId}`)).status, 404);
    assert.equal((await c.client.call('PUT', `/v1/events/${eventId}`, { feedback: { rating: true } })).status, 404);
    assert.equal((await c.client.call('PUT', '/events', { event_id: eventId, feedback: { rating: true } })).status, 404);
    assert.equal((await c.client.call('GET', `/v1/events/${sessionId}`)).status, 404, 'the session is not visible either');
    assert.equal(getStats(c.db).otlpPendingBatches, 1);
    assert.equal(getEvent(c.db, eventId), undefined);
    assert.ok(Date.now() - sent < INSIDE_LAG, 'the checks above ran inside the lag');

    const got = await until(async () => (await c.client.call('GET', `/v1/events/${eventId}`)).status === 200, INSIDE_LAG + 20_000);
    assert.ok(got, 'visible after the lag');
    assert.ok(Date.now() - sent >= INSIDE_LAG - 5, `not before the lag (${Date.now() - sent} ms)`);
    assert.equal(getStats(c.db).otlpPendingBatches, 0);
    assert.equal((await c.client.call('PUT', `/v1/events/${eventId}`, { feedback: { rating: true } })).status, 200);
    assert.deepEqual(getEvent(c.db, eventId)?.feedback, { backend: 'set', rating: true });
    // The 404s were not applied later: exactly one accepted update.
    assert.equal(c.db.prepare('SELECT COUNT(*) AS n FROM updates WHERE event_id = ?').get(eventId)?.n, 1);
  } finally {
    await c.dispose();
  }
});

test('REST-created events are not lagged, and ingestLagMs 0 ingests at once', async () => {
  const c = await startTempCollector({ ingestLagMs: LAG });
  try {
    const { eventId } = await c.client.seedSession();
    assert.equal((await c.client.call('PUT', `/v1/events/${eventId}`, { feedback: { a: 1 } })).status, 200);
  } finally {
    await c.dispose();
  }
  const z = await startTempCollector();
  try {
    const eventId = randomUUID();
    assert.equal(await exportSpans(z.url, protobufRequest([{ traceId: hexId(16), spanId: hexId(8), attributes: { honeyhive_event_id: eventId } }])), 200);
    assert.equal((await z.client.call('PUT', `/v1/events/${eventId}`, { feedback: { a: 1 } })).status, 200);
  } finally {
    await z.dispose();
  }
});

test('a span still inside the lag survives a restart and is ingested on time', async () => {
  const first = await startTempCollector({ ingestLagMs: LAG });
  const eventId = randomUUID();
  assert.equal(await exportSpans(first.url, protobufRequest([{ traceId: hexId(16), spanId: hexId(8), attributes: { honeyhive_event_id: eventId } }])), 200);
  await first.close();
  const again = await startTempCollector({ dir: first.dir, ingestLagMs: LAG });
  try {
    assert.ok(await until(async () => getEvent(again.db, eventId), 5000), 'ingested by the restarted collector');
  } finally {
    await again.dispose();
  }
});

test('cli: --ingest-lag-ms is honoured and a bad value is refused', async () => {
  const cli = fileURLToPath(new URL('../../collector/cli.mjs', import.meta.url));
  const bad = spawn(process.execPath, [cli, '--port', '0', '--db', ':memory:', '--ingest-lag-ms', 'soon', '--quiet']);
  let err = '';
  bad.stderr.on('data', (d) => { err += d; });
  const [code] = await once(bad, 'exit');
  assert.equal(code, 2);
  assert.match(err, /bad --ingest-lag-ms soon/);

  const proc = spawn(process.execPath, [cli, '--port', '0', '--host', '127.0.0.1', '--db', ':memory:', '--api-key', TEST_API_KEY, '--ingest-lag-ms', String(LAG), '--quiet']);
  try {
    const [line] = await once(proc.stdout, 'data');
    const url = String(line).trim();
    const eventId = randomUUID();
    assert.equal(await exportSpans(url, protobufRequest([{ traceId: hexId(16), spanId: hexId(8), attributes: { honeyhive_event_id: eventId } }])), 200);
    const client = collectorClient(url, TEST_API_KEY);
    assert.equal((await client.call('GET', `/v1/events/${eventId}`)).status, 404);
    assert.ok(await until(async () => (await client.call('GET', `/v1/events/${eventId}`)).status === 200, 5000));
  } finally {
    proc.kill('SIGTERM');
    await once(proc, 'exit');
  }
});
