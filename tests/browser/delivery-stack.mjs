// Shared by tests/browser/delivery*.test.mjs: the harness stack (collector on
// a temp SQLite file, the reference proxy at /feedback, the test pages) with
// a recorder in front of the proxy, so a test sees every page→proxy request
// (beacons included, which the page cannot observe) and the proxy's answer,
// and can make the proxy itself fail or stall. Plus the checks every
// delivery test makes: no page errors, and each update applied exactly once.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { TEST_API_KEY } from '../../collector/testing.mjs';
import { getEvent, listRequests, listUpdates } from '../../collector/server.mjs';
import { createProxyHandler } from '../../dist/server/index.js';
import { openPage, startStack, waitFor } from './harness.mjs';

export const PAGE = '/tests/browser/pages/delivery.html';

/** Fast delivery timings for tests: retries after 50, 100, 200 ms ... */
export const FAST = { retryBaseMs: 50, retryMaxDelayMs: 400, jitter: 0, flushIntervalMs: 50 };

/**
 * startStack() with /feedback routed through a recorder to a proxy made
 * here (same options as the harness's). `stack.proxyLog` lists
 * { at, beacon, updates, status, results } per page request.
 */
export async function startDeliveryStack({ proxyOptions = {} } = {}) {
  const log = [];
  const faults = [];
  let gate; // while set, requests wait for it before reaching the proxy
  const held = { n: 0, waiting: [] }; // the next n requests wait for releaseHeld()
  let lateAnswers = { n: 0, ms: 0 }; // the proxy applies, the answer comes too late
  let proxy;
  const recorder = async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const entry = {
      at: Date.now(),
      method: req.method,
      beacon: /^text\/plain/i.test(String(req.headers['content-type'] ?? '')),
      updates: Array.isArray(body?.updates) ? body.updates : [],
      status: undefined,
      results: undefined,
    };
    if (req.method === 'POST') log.push(entry);
    if (gate) await gate.promise;
    if (req.method === 'POST' && held.n > 0) {
      held.n--;
      entry.held = true;
      await new Promise((r) => held.waiting.push(r));
      // Released after its page went away (a reload): the proxy gets it all the same.
      entry.clientGone = res.destroyed || req.socket.destroyed;
    }
    const fault = req.method === 'POST' ? faults.find((f) => !f.beaconsOnly || entry.beacon) : undefined;
    if (fault) {
      if (--fault.remaining <= 0) faults.splice(faults.indexOf(fault), 1);
      entry.status = fault.status;
      if (fault.stallBody) {
        // Headers and half a body, then nothing: the socket stays open.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"results":[');
        return;
      }
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}),
      });
      res.end(JSON.stringify({ error: 'injected by the test recorder' }));
      return;
    }
    // The proxy reuses a body that was already read (req.body, readableEnded).
    req.body = text;
    const end = res.end.bind(res);
    res.end = (chunk, ...rest) => {
      entry.status = res.statusCode;
      try {
        entry.results = JSON.parse(String(chunk)).results;
      } catch {
        // not a JSON answer
      }
      if (lateAnswers.n > 0) {
        lateAnswers.n--;
        entry.late = true;
        setTimeout(() => end(chunk, ...rest), lateAnswers.ms);
        return res;
      }
      return end(chunk, ...rest);
    };
    proxy(req, res);
  };
  const stack = await startStack({ routes: { '/feedback': (req, res) => void recorder(req, res) } });
  proxy = createProxyHandler({
    serverUrl: stack.collector.url,
    apiKey: TEST_API_KEY,
    path: '/feedback',
    timeoutMs: 5000,
    // These tests post without tokens on purpose; a test that wants them passes feedbackTokens.
    allowUnsigned: true,
    ...proxyOptions,
  });
  const db = stack.collector.db;
  return Object.assign(stack, {
    proxyLog: log,
    /**
     * The proxy answers the next `n` page requests (or only beacons) with
     * `status` itself; the collector sees nothing of them.
     */
    failProxy(n, status = 503, retryAfter, { beaconsOnly = false } = {}) {
      faults.push({ remaining: n, status, retryAfter, beaconsOnly });
    },
    /** The next `n` page requests get a 200 whose body never finishes. */
    stallProxyBody(n) {
      faults.push({ remaining: n, status: 200, stallBody: true });
    },
    clearProxyFaults() {
      faults.length = 0;
      lateAnswers = { n: 0, ms: 0 };
    },
    /**
     * The next `n` batches are applied by the proxy, but the answer is held
     * `ms` (past the client's timeoutMs: a response lost to the page).
     */
    answerLate(n, ms) {
      lateAnswers = { n, ms };
    },
    /** The next `n` page requests wait at the proxy's door until releaseHeld(); later ones pass. */
    holdNext(n) {
      held.n += n;
    },
    releaseHeld() {
      held.n = 0;
      for (const r of held.waiting.splice(0)) r();
    },
    /** Page requests wait at the proxy's door until resume(). */
    stall() {
      if (gate) return;
      let release;
      const promise = new Promise((r) => (release = r));
      gate = { promise, release };
    },
    resume() {
      gate?.release();
      gate = undefined;
    },
    event: (id) => getEvent(db, id),
    feedbackOf: (id) => getEvent(db, id)?.feedback,
    applied: (id) => listUpdates(db, id),
    puts: () => listRequests(db, { method: 'PUT', limit: 100000 }),
    seed: async (n) => {
      const out = [];
      for (let i = 0; i < n; i++) out.push(await stack.collector.client.seedSession(`delivery ${i}`));
      return out;
    },
  });
}

/**
 * Opens delivery.html with these init options (JSON in the query) and waits
 * for init. `manual: true` opens it without starting a client.
 */
export async function openDeliveryPage(context, stack, options = {}, { manual = false } = {}) {
  const query = new URLSearchParams({ options: JSON.stringify(options), ...(manual ? { manual: '1' } : {}) });
  const page = await openPage(context, `${stack.url}${PAGE}?${query}`);
  page.feedbackRequests = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname !== '/feedback') return;
    let ids = [];
    try {
      ids = JSON.parse(r.postData() ?? '{}').updates?.map((u) => u.id) ?? [];
    } catch {
      // not JSON
    }
    page.feedbackRequests.push({ at: Date.now(), method: r.method(), type: r.resourceType(), ids });
  });
  await waitForReady(page);
  return page;
}

export async function waitForReady(page) {
  // Generous: on a loaded machine a page load alone can take seconds.
  await waitFor(() => page.evaluate(() => window.ready === true), { what: 'delivery page ready', timeoutMs: 30000 });
  const failed = await page.evaluate(() => window.initFailed ?? null);
  assert.equal(failed, null, 'init() failed');
}

/** Nothing may escape the library into the page. */
export async function assertNoPageErrors(page) {
  assert.deepEqual(page.pageErrors, [], 'uncaught errors in the page');
  if (!page.isClosed()) assert.deepEqual(await page.evaluate(() => window.windowErrors), [], 'errors seen by window');
}

export const stats = (page) => page.evaluate(() => window.client.stats());

/**
 * Every update id the proxy saw is applied exactly once at the collector if
 * the proxy ever answered it 2xx, and not at all otherwise; every update
 * row at the collector for `eventIds` belongs to one of those ids. Relies
 * on distinct update contents per id (tests give each capture a unique key).
 * Returns { ids, sends, repeats } for diagnostics.
 */
export async function assertExactlyOnce(stack, eventIds) {
  // A row can be in SQLite a moment before the proxy's answer is recorded.
  // (A request whose page had gone before the proxy got it has no one to answer.)
  await waitFor(() => stack.proxyLog.every((e) => e.status !== undefined || e.clientGone), { what: 'every proxy request answered' });
  const byId = new Map();
  let sends = 0;
  for (const entry of stack.proxyLog) {
    entry.updates.forEach((u, i) => {
      sends++;
      const seen = byId.get(u.id);
      const ok = entry.status === 200 && entry.results?.[i]?.status >= 200 && entry.results[i].status < 300;
      if (seen) {
        assert.deepEqual(u.feedback, seen.feedback, `update ${u.id} was resent with different content`);
        assert.equal(u.event_id, seen.event_id, `update ${u.id} changed target`);
        seen.sends++;
        seen.ok ||= ok;
      } else {
        byId.set(u.id, { event_id: u.event_id, feedback: u.feedback, sends: 1, ok });
      }
    });
  }
  const rowsByEvent = new Map(eventIds.map((e) => [e, stack.applied(e).map((r) => r.body.feedback)]));
  for (const [id, u] of byId) {
    const rows = rowsByEvent.get(u.event_id);
    if (!rows) continue;
    const n = rows.filter((f) => isDeepStrictEqual(f, u.feedback)).length;
    assert.equal(n, u.ok ? 1 : 0, `update ${id} applied ${n} times at the collector (proxy answered 2xx: ${u.ok})`);
  }
  for (const [eventId, rows] of rowsByEvent) {
    for (const f of rows) {
      const owners = [...byId.values()].filter((u) => u.event_id === eventId && isDeepStrictEqual(u.feedback, f));
      assert.equal(owners.length, 1, `collector row on ${eventId} ${JSON.stringify(f)} matches ${owners.length} update ids`);
    }
  }
  const repeats = [...byId.values()].reduce((n, u) => n + u.sends - 1, 0);
  return { ids: byId.size, sends, repeats, okIds: [...byId.entries()].filter(([, u]) => u.ok).map(([id]) => id) };
}
