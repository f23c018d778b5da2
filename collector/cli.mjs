#!/usr/bin/env node
// Runs the local collector from the command line:
//   node collector/cli.mjs --port 8787 --db .data/collector.sqlite --api-key KEY
//     [--host 127.0.0.1] [--auto-create-events] [--allow-reset] [--allow-origin ORIGIN]... [--ingest-lag-ms 0] [--quiet]
// Prints the base URL on the first stdout line so scripts can read it.

import { parseArgs } from 'node:util';
import { startCollector } from './server.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    db: { type: 'string', default: '.data/collector.sqlite' },
    'api-key': { type: 'string' },
    'auto-create-events': { type: 'boolean', default: false },
    'allow-reset': { type: 'boolean', default: false },
    'allow-origin': { type: 'string', multiple: true },
    'ingest-lag-ms': { type: 'string', default: '0' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log('usage: node collector/cli.mjs [--port 8787] [--host 127.0.0.1] [--db .data/collector.sqlite] [--api-key KEY]\n'
    + '         [--auto-create-events] [--allow-reset] [--allow-origin ORIGIN]... [--ingest-lag-ms 0] [--quiet]');
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`collector: bad --port ${values.port}`);
  process.exit(2);
}

const ingestLagMs = Number(values['ingest-lag-ms']);
if (!Number.isFinite(ingestLagMs) || ingestLagMs < 0) {
  console.error(`collector: bad --ingest-lag-ms ${values['ingest-lag-ms']} (a non-negative number of ms)`);
  process.exit(2);
}

const origins = values['allow-origin'];
const collector = await startCollector({
  port,
  host: values.host,
  dbPath: values.db,
  apiKey: values['api-key'] ?? process.env.HONEYHIVE_API_KEY,
  autoCreateEvents: values['auto-create-events'],
  allowReset: values['allow-reset'],
  ingestLagMs,
  allowedOrigins: origins === undefined ? undefined : origins.includes('*') ? '*' : origins,
  log: values.quiet ? undefined : (line) => console.error(line),
});
console.log(collector.url);

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    collector.close().then(() => process.exit(0), () => process.exit(1));
  });
}
