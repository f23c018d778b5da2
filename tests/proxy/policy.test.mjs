// Rate limits (updates and requests, bad tokens per address, trustProxy),
// nothing upstream leaking to the page, CORS allowedHeaders, canonical tokens,
// token_expired, allowUnlistedEvents checked upstream, and option names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startProxyServer, createProxyHandler, createFetchHandler, mintFeedbackToken, verifyFeedbackToken, verifyFeedbackTokenAsync } from '../../dist/server/index.js';
import { startUpstream } from './upstream.mjs';

const SECRET = 'policy-secret-policy-secret-policy-secret!';
async function post(url, body, headers = {}) {
  const res = await fetch(`${url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: JSON.parse(text) };
}
const one = (event_id = randomUUID(), id = `u-${randomUUID()}`) => ({ updates: [{ id, event_id, feedback: { rating: 1 } }] });

async function withProxy(t, options, upstreamOptions) {
  const up = await startUpstream(upstreamOptions);
  const p = await startProxyServer({ apiKey: 'sk-server-secret-key', serverUrl: up.url, allowUnsigned: true, ...options });
  t.after(async () => {
    await p.close();
    await up.close();
  });
  return { up, p };
}

test('rate limit counts updates, not batches', async (t) => {
  const { p } = await withProxy(t, { rateLimit: { perMinute: 10, requestsPerMinute: 100 } });
  const batch = (n) => ({ updates: Array.from({ length: n }, (_, i) => ({ id: `b-${randomUUID()}-${i}`, event_id: randomUUID(), feedback: { rating: 1 } })) });
  assert.equal((await post(p.url, batch(6))).status, 200);
  assert.equal((await post(p.url, batch(4))).status, 200);
  const over = await post(p.url, batch(1));
  assert.deepEqual([over.status, over.json.code], [429, 'rate_limited']);
  assert.ok(Number(over.headers.get('retry-after')) >= 1);
});

test('rate limit counts requests too (empty batches are not free)', async (t) => {
  const { p } = await withProxy(t, { rateLimit: { perMinute: 1000, requestsPerMinute: 3 } });
  for (let i = 0; i < 3; i++) assert.equal((await post(p.url, { updates: [] })).status, 200);
  assert.equal((await post(p.url, { updates: [] })).status, 429);
});

test('requests refused for a bad token are limited by address', async (t) => {
  const { p, up } = await withProxy(t, { feedbackTokens: { secret: SECRET }, rateLimit: { perMinute: 100, requestsPerMinute: 3 } });
  const forged = mintFeedbackToken({ secret: 'attacker-secret-attacker-secret-attack!', sessionId: randomUUID() });
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await post(p.url, { ...one(), token: i % 2 ? forged : 'tf1.garbage.garbage' })).status);
  assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429]);
  assert.equal(up.stats.started, 0);
});

test('trustProxy decides whether X-Forwarded-For names the client', async (t) => {
  const { p } = await withProxy(t, { trustProxy: 1, rateLimit: { perMinute: 100, requestsPerMinute: 1 } });
  assert.equal((await post(p.url, one(), { 'x-forwarded-for': '198.51.100.1' })).status, 200);
  assert.equal((await post(p.url, one(), { 'x-forwarded-for': '198.51.100.2' })).status, 200, 'another client behind the trusted hop');
  assert.equal((await post(p.url, one(), { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' })).status, 429, 'the entry one hop from the right is the client; the left one is forgeable');
  const { p: q } = await withProxy(t, { rateLimit: { perMinute: 100, requestsPerMinute: 1 } });
  assert.equal((await post(q.url, one(), { 'x-forwarded-for': '198.51.100.1' })).status, 200);
  assert.equal((await post(q.url, one(), { 'x-forwarded-for': '198.51.100.2' })).status, 429, 'default 0: the header is ignored');
});

test('nothing upstream leaks to the page: an upstream echoing the key reaches onError only', async (t) => {
  const seen = [];
  const echo = (req) => JSON.stringify({ error: `bad request, headers were ${JSON.stringify(req.headers)}`, message: 'Bearer sk-server-secret-key' });
  for (const status of [400, 422, 500, 503, 429]) {
    const { p } = await withProxy(t, { onError: (e, ctx) => seen.push([String(e?.message ?? e), ctx]) }, { status: () => status, body: echo });
    const r = await post(p.url, one());
    assert.ok(!r.text.includes('sk-server-secret-key') && !r.text.includes('Bearer') && !r.text.includes('headers were'), r.text);
    const result = r.json.results[0];
    assert.deepEqual(Object.keys(result).filter((k) => !['id', 'status', 'code', 'retryAfter'].includes(k)), []);
    assert.ok(['upstream_rejected', 'upstream_unavailable', 'rate_limited'].includes(result.code), result.code);
  }
  assert.ok(seen.some(([m]) => m.includes('headers were')), 'the operator hears the upstream text');
});

test('CORS: preflight answers the allowedHeaders and a max age', async (t) => {
  const { p } = await withProxy(t, { allowedOrigins: ['https://app.example'], allowedHeaders: ['X-Tenant', 'Authorization'] });
  const res = await fetch(`${p.url}/feedback`, {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-tenant,content-type' },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example');
  assert.deepEqual(res.headers.get('access-control-allow-headers').split(/,\s*/).map((h) => h.toLowerCase()).sort(), ['authorization', 'content-type', 'x-tenant']);
  assert.equal(res.headers.get('access-control-max-age'), '600');
  const refused = await fetch(`${p.url}/feedback`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).code, 'origin_not_allowed');
});

test('tokens: only the canonical base64url spelling verifies (7 variants of one MAC refused)', async () => {
  // A token whose MAC has '-' or '_' in it, so the base64 (not -url) spelling differs.
  let token;
  for (;;) {
    token = mintFeedbackToken({ secret: SECRET, sessionId: randomUUID() });
    if (/[-_]/.test(token.split('.')[2])) break;
  }
  assert.equal(verifyFeedbackToken(token, SECRET).ok, true);
  assert.equal((await verifyFeedbackTokenAsync(token, SECRET)).ok, true);
  const [p, c, mac] = token.split('.');
  const last = mac.at(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const base = alphabet.indexOf(last) & ~3;
  const trailing = [0, 1, 2, 3].map((k) => alphabet[base + k]).filter((ch) => ch !== last).map((ch) => mac.slice(0, -1) + ch);
  const variants = [
    ...trailing,                                      // 3: the unused low bits set
    `${mac}=`,                                        // padding
    mac.replace(/-/g, '+').replace(/_/g, '/'),        // standard alphabet
    `${mac.slice(0, 10)}!${mac.slice(10)}`,           // a character lenient decoders skip
    `${mac.slice(0, 20)} ${mac.slice(20)}`,           // whitespace, skipped too
  ];
  assert.equal(variants.length, 7);
  for (const v of variants) {
    assert.deepEqual(Buffer.from(v, 'base64url'), Buffer.from(mac, 'base64url'), 'a lenient decoder reads the same MAC');
    assert.equal(verifyFeedbackToken(`${p}.${c}.${v}`, SECRET).ok, false, v);
    assert.equal((await verifyFeedbackTokenAsync(`${p}.${c}.${v}`, SECRET)).ok, false, v);
  }
  // The claims part is held to the same rule.
  assert.equal((await verifyFeedbackToken(`${p}.${c}=.${mac}`, SECRET)).ok, false);
});

test('an expired token answers 401 token_expired', async (t) => {
  const { p } = await withProxy(t, { feedbackTokens: { secret: SECRET } });
  const sid = randomUUID();
  const expired = mintFeedbackToken({ secret: SECRET, sessionId: sid, ttlSeconds: 1, now: Date.now() - 3_600_000 });
  const r = await post(p.url, { ...one(sid), token: expired });
  assert.deepEqual([r.status, r.json.code], [401, 'token_expired']);
});

test("allowUnlistedEvents: only the token's own session's events, checked upstream and cached; not yet ingested = unknown_event (retryable)", async (t) => {
  const mine = randomUUID();
  const theirs = randomUUID();
  const sessions = new Map();
  const span = randomUUID();
  const foreign = randomUUID();
  const late = randomUUID();
  sessions.set(span, mine);
  sessions.set(foreign, theirs);
  const { p, up } = await withProxy(t, { feedbackTokens: { secret: SECRET, allowUnlistedEvents: true } }, { sessions });
  const token = mintFeedbackToken({ secret: SECRET, sessionId: mine });
  const r = await post(p.url, {
    token,
    updates: [
      { id: 'a', event_id: span, feedback: { rating: 1 } },
      { id: 'b', event_id: foreign, feedback: { rating: 1 } },
      { id: 'c', event_id: late, feedback: { rating: 1 } },
      { id: 'd', event_id: mine, feedback: { rating: 1 } },
    ],
  });
  assert.deepEqual(r.json.results.map((x) => [x.status, x.code]), [[200, undefined], [403, 'forbidden_event'], [404, 'unknown_event'], [200, undefined]]);
  assert.equal(up.stats.started, 2, 'only own-session events were written');
  const gets = up.stats.gets;
  assert.equal(gets, 3, 'the session itself needs no lookup');
  // Cached: a second update to the same span asks upstream nothing.
  assert.equal((await post(p.url, { token, updates: [{ id: 'a2', event_id: span, feedback: { rating: -1 } }] })).json.results[0].status, 200);
  assert.equal(up.stats.gets, gets);
  // The late span is ingested: the page's retry now lands.
  sessions.set(late, mine);
  assert.equal((await post(p.url, { token, updates: [{ id: 'c', event_id: late, feedback: { rating: 1 } }] })).json.results[0].status, 200);
});

test('options: serverUrl (honeyhiveUrl a deprecated alias), unknown keys are TypeErrors naming the closest name', async (t) => {
  assert.throws(() => createProxyHandler({ apiKey: 'k', serverURL: 'http://localhost:8787' }), (e) => e instanceof TypeError && /unknown option "serverURL".*did you mean "serverUrl"/.test(e.message));
  assert.throws(() => createFetchHandler({ apiKey: 'k', apikey: 'x' }), /unknown option "apikey".*"apiKey"/);
  assert.throws(() => createProxyHandler({ apiKey: 'k', rateLimit: { perMinute: 1, burst: 2 } }), /unknown option "rateLimit\.burst"/);
  assert.throws(() => createProxyHandler({ apiKey: 'k', serverUrl: 'http://a', honeyhiveUrl: 'http://b' }), /disagree/);
  assert.throws(() => createProxyHandler({ serverUrl: 'http://a' }), /apiKey is required/);
  const up = await startUpstream();
  t.after(() => up.close());
  const p = await startProxyServer({ apiKey: 'k', honeyhiveUrl: up.url, allowUnsigned: true });
  t.after(() => p.close());
  assert.equal((await post(p.url, one())).json.results[0].status, 200);
  assert.equal(up.stats.started, 1, 'the deprecated alias still points the proxy at the upstream');
});

test('one warning at start without feedbackTokens outside development/test; allowUnsigned silences it', () => {
  const before = process.env.NODE_ENV;
  const warnings = [];
  const warn = (m) => warnings.push(m);
  try {
    process.env.NODE_ENV = 'production';
    const h = createProxyHandler({ apiKey: 'k', warn });
    assert.equal(typeof h, 'function');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /anyone who knows an event id can write feedback/);
    createProxyHandler({ apiKey: 'k', warn, allowUnsigned: true });
    createProxyHandler({ apiKey: 'k', warn, feedbackTokens: { secret: SECRET } });
    assert.equal(warnings.length, 1);
    process.env.NODE_ENV = 'development';
    createProxyHandler({ apiKey: 'k', warn });
    assert.equal(warnings.length, 1);
  } finally {
    process.env.NODE_ENV = before;
  }
});
