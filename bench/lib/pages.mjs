// Builds the bench page and one bundle per driver (bench/pages/drivers/)
// into bench/out/, and opens them in Chromium (Debian's, never a
// downloaded one), one fresh browser context per load: no HTTP cache, no
// storage, no compiled-code cache carried over.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { bundleApp, ROOT } from './bundle.mjs';
import { OUT } from './servers.mjs';

export const DRIVERS = ['ours', 'ours-facade', 'langfuse', 'posthog-js-lite', 'posthog-js', 'langfuse-client', 'segment', 'sentry', 'langsmith', 'diff'];
const WITH_WASM = new Set(['ours', 'ours-facade', 'diff']);

/** Returns { driver: null | 'error message' }. */
export async function buildPages() {
  mkdirSync(OUT, { recursive: true });
  copyFileSync(join(ROOT, 'bench/pages/bench.html'), join(OUT, 'bench.html'));
  const problems = {};
  for (const d of DRIVERS) {
    try {
      await bundleApp(join(ROOT, 'bench/pages/drivers', `${d}.mjs`), join(OUT, d), { withWasm: WITH_WASM.has(d) });
      problems[d] = null;
    } catch (e) {
      problems[d] = String(e.message ?? e).split('\n').slice(0, 3).join(' ');
    }
  }
  return problems;
}

export async function launch() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-precise-memory-info',
      // navigator.webdriver = false: posthog-js drops events from automated browsers.
      '--disable-blink-features=AutomationControlled',
      // Keep timers of a background-less headless page honest.
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding'],
  });
  // Headless Chromium says "HeadlessChrome" in its user agent, and analytics
  // SDKs (posthog-js) drop events from bots: look like a desktop Chrome.
  const probe = await browser.newPage();
  browser.benchUserAgent = (await probe.evaluate(() => navigator.userAgent)).replace('HeadlessChrome', 'Chrome');
  await probe.close();
  return browser;
}

/**
 * Opens bench.html?lib=<driver> in a fresh context and waits for the
 * driver to be ready. Returns { context, page, startup, errors }.
 */
export async function openDriver(browser, net, lib, cfg = {}, { timeoutMs = 20000 } = {}) {
  const context = await browser.newContext({ userAgent: browser.benchUserAgent });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e).slice(0, 300)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text().slice(0, 300)); });
  const full = { sink: net.sink.url, hh: net.hh.url, apiKey: net.apiKey, ...cfg };
  const url = `${net.web.url}/bench.html?lib=${lib}&cfg=${encodeURIComponent(JSON.stringify(full))}`;
  let startup;
  try {
    await page.goto(url, { timeout: timeoutMs });
  } catch (e) {
    startup = { error: `navigation failed: ${String(e.message ?? e).split('\n')[0]}` };
    return { context, page, startup, errors };
  }
  try {
    await page.waitForFunction(() => window.__startup, null, { timeout: timeoutMs, polling: 20 });
    startup = await page.evaluate(() => window.__startup);
  } catch (e) {
    startup = { error: `not ready after ${timeoutMs} ms` };
  }
  return { context, page, startup, errors };
}
