// The loopback network of the browser benchmarks, on 127.0.0.1:
//   web   - serves bench/out/ (built pages) cross-origin isolated (COOP/COEP,
//           so performance.now() has 5 µs resolution, not 100 µs) and
//           routes /feedback to trace-feedback's reference proxy;
//   hh    - counts and forwards to the collector (the direct transport's
//           "HoneyHive", on its own origin as the real one is);
//   sink  - a stand-in for the peers' ingestion hosts (PostHog, Langfuse,
//           Segment, Sentry, LangSmith): answers 200 to everything, CORS
//           allowed, and counts.
// Every server counts requests and their bytes as they arrive on the wire:
// request line + headers + body (CORS preflights included).
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { startTempCollector, TEST_API_KEY } from '../../collector/testing.mjs';
import { createProxyHandler } from '../../dist/server/index.js';
import { ROOT } from './bundle.mjs';

export const OUT = join(ROOT, 'bench', 'out');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** Request counter; `reset()` between runs, `snapshot()` to read. */
export function counter() {
  let log = [];
  return {
    record(req, bodyBytes) {
      let head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`.length + 2;
      for (let i = 0; i < req.rawHeaders.length; i += 2) head += req.rawHeaders[i].length + req.rawHeaders[i + 1].length + 4;
      log.push({ method: req.method, path: new URL(req.url, 'http://x').pathname, head, body: bodyBytes });
    },
    reset() { log = []; },
    get log() { return log; },
    snapshot(filter = () => true) {
      const l = log.filter(filter);
      return {
        requests: l.length,
        preflights: l.filter((r) => r.method === 'OPTIONS').length,
        bodyBytes: l.reduce((s, r) => s + r.body, 0),
        wireBytes: l.reduce((s, r) => s + r.head + r.body, 0),
      };
    },
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function listen(server) {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${server.address().port}`)));
}

function closer(server) {
  return () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); });
}

function cors(req) {
  return {
    'access-control-allow-origin': req.headers.origin ?? '*',
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET, POST, PUT, PATCH, OPTIONS',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
    'access-control-max-age': '600',
    'cross-origin-resource-policy': 'cross-origin',
  };
}

/** The peers' ingestion stand-in. */
async function startSink() {
  const count = counter();
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req).catch(() => Buffer.alloc(0));
    count.record(req, body.length);
    const path = new URL(req.url, 'http://x').pathname;
    if (req.method === 'OPTIONS') return res.writeHead(204, cors(req)).end();
    if (path.endsWith('.js')) {
      return res.writeHead(200, { ...cors(req), 'content-type': 'text/javascript' }).end('');
    }
    let answer = '{}';
    if (/\/(flags|decide)\/?$/.test(path)) answer = JSON.stringify({ featureFlags: {}, featureFlagPayloads: {}, errorsWhileComputingFlags: false });
    else if (/\/e\/?$|\/batch\/?$|\/capture\/?$/.test(path)) answer = '{"status":1}';
    else if (path.includes('/api/public/ingestion')) answer = '{"successes":[],"errors":[]}';
    else if (/\/feedback\/?/.test(path)) answer = JSON.stringify({ id: '00000000-0000-4000-8000-000000000000' });
    res.writeHead(200, { ...cors(req), 'content-type': 'application/json' }).end(answer);
  });
  const url = await listen(server);
  return { url, count, close: closer(server) };
}

/** Counts requests, then forwards them to `target` (the collector). */
async function startForwarder(target) {
  const count = counter();
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req).catch(() => Buffer.alloc(0));
    count.record(req, body.length);
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.connection;
    delete headers['content-length'];
    try {
      const r = await fetch(target + req.url, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' ? undefined : body,
      });
      const out = {};
      r.headers.forEach((v, k) => { if (k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'content-length') out[k] = v; });
      res.writeHead(r.status, out).end(Buffer.from(await r.arrayBuffer()));
    } catch (e) {
      res.writeHead(502).end(String(e));
    }
  });
  const url = await listen(server);
  return { url, count, close: closer(server) };
}

async function startWeb(proxy) {
  const count = counter();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/feedback') {
      // Count what the browser sent, then let the proxy read the body itself.
      let bytes = 0;
      req.on('data', (c) => { bytes += c.length; });
      req.on('end', () => count.record(req, bytes));
      return proxy(req, res, () => res.writeHead(404).end());
    }
    if (url.pathname === '/favicon.ico') return res.writeHead(204).end();
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    const file = join(OUT, rel);
    if (!file.startsWith(OUT + '/')) return res.writeHead(404).end();
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  const url = await listen(server);
  return { url, count, close: closer(server) };
}

/** Collector + proxy + web + hh forwarder + sink. */
export async function startBenchNetwork() {
  const collector = await startTempCollector({ autoCreateEvents: true });
  const proxy = createProxyHandler({ serverUrl: collector.url, allowUnsigned: true, apiKey: TEST_API_KEY, path: '/feedback', timeoutMs: 10000 });
  const web = await startWeb(proxy);
  const hh = await startForwarder(collector.url);
  const sink = await startSink();
  return {
    collector, web, hh, sink, apiKey: TEST_API_KEY,
    resetCounts() { web.count.reset(); hh.count.reset(); sink.count.reset(); },
    async close() {
      await web.close(); await hh.close(); await sink.close();
      await collector.dispose();
    },
  };
}
