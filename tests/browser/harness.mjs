// Shared stack for browser tests: a real collector on a real SQLite file,
// the reference proxy in front of it, a static server for dist/ and the
// test pages (same origin as the proxy, like an app serving its own
// /feedback route), and Debian's Chromium driven by playwright-core.
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { startTempCollector, TEST_API_KEY } from '../../collector/testing.mjs';
import { createProxyHandler } from '../../dist/server/index.js';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const ARTIFACTS = join(ROOT, 'test-artifacts');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Serves files under ROOT (only dist/, tests/, examples/) and routes
 * `/feedback` to the reference proxy. `headers(path)` may add response
 * headers (e.g. a Content-Security-Policy for one page).
 */
export async function startStaticServer({ proxy, headers = () => ({}), routes = {} } = {}) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (routes[url.pathname]) return routes[url.pathname](req, res);
    if (proxy && url.pathname === '/feedback') return proxy(req, res);
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    if (!/^(dist|tests|examples)\//.test(rel)) {
      res.writeHead(404).end('not found');
      return;
    }
    const file = join(ROOT, rel);
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...headers(url.pathname),
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}

/**
 * Collector + proxy + static server. `proxyOptions` go to createProxyHandler.
 * Returns { collector, web, url, close }.
 */
export async function startStack({ collectorOptions = {}, proxyOptions = {}, headers, routes } = {}) {
  const collector = await startTempCollector({ autoCreateEvents: false, ...collectorOptions });
  const proxy = createProxyHandler({
    serverUrl: collector.url,
    allowUnsigned: true,
    apiKey: TEST_API_KEY,
    path: '/feedback',
    timeoutMs: 5000,
    ...proxyOptions,
  });
  const web = await startStaticServer({ proxy, headers, routes });
  return {
    collector,
    web,
    url: web.url,
    async close() {
      await web.close();
      await collector.dispose();
    },
  };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's Chromium; never a downloaded browser. */
export async function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/**
 * A page that fails the test on uncaught page errors: the library must
 * never throw into the host page. `page.pageErrors` lists them.
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  page.pageErrors = [];
  page.consoleLines = [];
  page.on('pageerror', (e) => page.pageErrors.push(String(e)));
  page.on('console', (m) => page.consoleLines.push(`${m.type()}: ${m.text()}`));
  if (url) await page.goto(url);
  return page;
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor(fn, { timeoutMs = 15000, intervalMs = 50, what = 'condition' } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/**
 * One static server and one Chromium shared by a test file's tests, started
 * before the first and closed after the last: `suite.web.url`,
 * `suite.browser.newContext()`.
 */
export function browserSuite(serverOptions) {
  const suite = { web: undefined, browser: undefined };
  before(async () => {
    suite.web = await startStaticServer(serverOptions);
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.web?.close();
  });
  return suite;
}
