// Helpers for tests that need a collector: a fresh one on a free port with
// its SQLite file in a temp dir, plus a tiny client for its API. Used by
// tests/collector and tests/proxy; other test layers may use it too.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startCollector } from './server.mjs';

export const TEST_API_KEY = 'test-key';

/**
 * @param {import('./server.mjs').CollectorOptions & { dir?: string }} [options]
 *   dir: reuse a temp dir (to restart on the same file); default a new one
 */
export async function startTempCollector(options = {}) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'trace-feedback-collector-'));
  const dbPath = join(dir, 'collector.sqlite');
  const collector = await startCollector({ apiKey: TEST_API_KEY, allowReset: true, ...options, dbPath });
  const client = collectorClient(collector.url, TEST_API_KEY);
  return {
    ...collector, dir, dbPath, client,
    /** Closes the collector and deletes its directory. */
    async dispose() {
      await collector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * @param {string} baseUrl
 * @param {string} apiKey
 */
export function collectorClient(baseUrl, apiKey) {
  /**
   * @param {string} method @param {string} path @param {unknown} [body]
   * @param {Record<string, string>} [headers]
   * @returns {Promise<{ status: number, headers: Headers, json: any }>}
   */
  async function call(method, path, body, headers = {}) {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
    return { status: res.status, headers: res.headers, json };
  }
  return {
    call,
    /** Creates a session and one model event in it; returns both ids. */
    async seedSession(name = 'test session') {
      const session = await call('POST', '/v1/sessions', { session_name: name, session_id: randomUUID() });
      if (session.status !== 200) throw new Error(`seed session: ${session.status} ${JSON.stringify(session.json)}`);
      const ev = await call('POST', '/v1/events', {
        event_type: 'model', event_name: 'answer', session_id: session.json.session_id,
        inputs: { question: 'q' }, outputs: { answer: 'a' },
      });
      if (ev.status !== 200) throw new Error(`seed event: ${ev.status} ${JSON.stringify(ev.json)}`);
      return { sessionId: /** @type {string} */ (session.json.session_id), eventId: /** @type {string} */ (ev.json.event_id) };
    },
    /** @param {Record<string, unknown>} spec */
    faults: (spec) => call('POST', '/_faults', spec),
    /** @param {string} [method] */
    requests: async (method) => (await call('GET', `/api/requests${method ? `?method=${method}` : ''}`)).json.requests,
    /** @param {string} id */
    event: async (id) => (await call('GET', `/api/events/${id}`)).json?.event,
  };
}
