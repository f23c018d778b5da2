#!/usr/bin/env node
// Command line of the demo (what scripts/demo.sh runs):
//   node examples/chat/start.mjs [--port 8080] [--host 127.0.0.1] [--db .data/demo.sqlite]
//                                [--collector-url URL] [--latency-ms 350] [--ingest-lag-ms 3000]
//                                [--export-delay-ms 5000] [--smoke] [--quiet]
// Starts the local collector (unless --collector-url; its key then comes from
// HONEYHIVE_API_KEY) and the demo server, prints the URLs to open and runs
// until Ctrl+C. --smoke (or DEMO_SMOKE=1) instead asks one question, sends a
// thumbs-up through the real endpoints, prints the collector's row and exits.
// The collector lags ingestion by --ingest-lag-ms (3000, like HoneyHive's
// asynchronous ingestion) and the backend's batch span processor exports
// every --export-delay-ms (the SDK's default 5000): a rating given at once
// meets "not yet" (404) and the library's settle window carries it over.

import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startDemo, ROOT } from './server.mjs';
import { runSmoke } from './smoke.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    db: { type: 'string' },
    'collector-url': { type: 'string' },
    'latency-ms': { type: 'string', default: '350' },
    'ingest-lag-ms': { type: 'string', default: '3000' },
    // The OpenTelemetry SDK's own default schedule delay of its batch span processor.
    'export-delay-ms': { type: 'string', default: '5000' },
    smoke: { type: 'boolean', default: process.env.DEMO_SMOKE === '1' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log('usage: node examples/chat/start.mjs [--port 8080] [--host 127.0.0.1] [--db .data/demo.sqlite]\n'
    + '         [--collector-url URL] [--latency-ms 350] [--ingest-lag-ms 3000] [--export-delay-ms 5000] [--smoke] [--quiet]');
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`demo: bad --port ${values.port}`);
  process.exit(2);
}

const ingestLagMs = Number(values['ingest-lag-ms']);
const exportDelayMs = Number(values['export-delay-ms']);
for (const [flag, v] of /** @type {const} */ ([['--ingest-lag-ms', ingestLagMs], ['--export-delay-ms', exportDelayMs]])) {
  if (!Number.isFinite(v) || v < 0) {
    console.error(`demo: bad ${flag} (a non-negative number of ms)`);
    process.exit(2);
  }
}

if (values.smoke) {
  // A throwaway database so a smoke run never mixes with the demo's data.
  const dir = values.db ? undefined : mkdtempSync(join(tmpdir(), 'trace-feedback-smoke-'));
  let demo;
  let code = 0;
  try {
    demo = await startDemo({
      port, host: values.host, dbPath: values.db ?? join(/** @type {string} */ (dir), 'demo.sqlite'),
      collectorUrl: values['collector-url'], latencyMs: 0, ingestLagMs, exportDelayMs, quiet: true,
    });
    console.log(`smoke: demo at ${demo.url}, collector at ${demo.collector.url}`);
    const r = await runSmoke(demo);
    console.log(`smoke: asked "${r.row.inputs?.chat_history?.[0]?.content}" → event ${r.eventId} in session ${r.sessionId}`);
    console.log(`smoke: POST /feedback → ${JSON.stringify(r.delivery)} (after ${r.notYet} "not yet ingested" answers)`);
    console.log('smoke: collector row:');
    const { event_id, session_id, parent_id, event_type, event_name, inputs, outputs, feedback } = r.row;
    console.log(JSON.stringify({ event_id, session_id, parent_id, event_type, event_name, inputs, outputs, feedback }, null, 2));
    console.log('smoke: OK');
  } catch (err) {
    console.error(`smoke: FAILED: ${err instanceof Error ? err.message : err}`);
    code = 1;
  } finally {
    await demo?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  process.exit(code);
}

let demo;
try {
  demo = await startDemo({
    port,
    host: values.host,
    dbPath: values.db,
    collectorUrl: values['collector-url'],
    latencyMs: Number(values['latency-ms']) || 0,
    ingestLagMs,
    exportDelayMs,
    quiet: values.quiet,
  });
} catch (err) {
  const e = /** @type {NodeJS.ErrnoException} */ (err);
  console.error(e.code === 'EADDRINUSE'
    ? `demo: port ${port} is already in use; pick another one: PORT=${port + 1} bash scripts/demo.sh`
    : `demo: ${e.message ?? e}`);
  process.exit(1);
}

const rel = demo.collector.dbPath && relative(ROOT, demo.collector.dbPath);
const where = rel ? ` (SQLite: ${rel.startsWith('..') ? demo.collector.dbPath : rel})` : '';
console.log(`
  trace-feedback demo is running

  chat        ${demo.url}/
  dashboard   ${demo.url}/dashboard
  react       ${demo.url}/react/
  collector   ${demo.collector.url}${where}
              spans by OTLP, ingested ${ingestLagMs} ms after export

  Press Ctrl+C to stop.
`);

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    console.log('\ndemo: stopping');
    demo.close().then(() => process.exit(0), () => process.exit(1));
  });
}
