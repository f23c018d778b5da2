// Signed feedback tokens and rate limiting at the reference proxy, against
// the real collector: missing, expired, forged and mismatched tokens are
// refused, and feedback onto another session's events never lands.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mintFeedbackToken, verifyFeedbackToken, startProxyServer } from '../../dist/server/index.js';
import { startTempCollector, TEST_API_KEY } from '../../collector/testing.mjs';
import { getEvent, listRequests } from '../../collector/server.mjs';

const SECRET = 'a-server-side-secret-of-at-least-32-bytes!';

test('mint and verify: valid, expired, forged, malformed', () => {
  const sid = randomUUID();
  const now = Date.UTC(2026, 0, 1);
  const token = mintFeedbackToken({ secret: SECRET, sessionId: sid, ttlSeconds: 60, now });
  const ok = verifyFeedbackToken(token, SECRET, { now });
  assert.equal(ok.ok, true);
  assert.equal(ok.claims.sid, sid);
  assert.deepEqual(verifyFeedbackToken(token, SECRET, { now: now + 61_000 + 30_000 }), { ok: false, reason: 'expired' });
  assert.deepEqual(verifyFeedbackToken(token, 'another-secret-that-is-at-least-32-bytes', { now }), { ok: false, reason: 'bad_signature' });
  // Tamper with the claims: another session id, same signature.
  const [p, , sig] = token.split('.');
  const forged = `${p}.${Buffer.from(JSON.stringify({ sid: randomUUID(), exp: 9e9, iat: 0 })).toString('base64url')}.${sig}`;
  assert.deepEqual(verifyFeedbackToken(forged, SECRET, { now }), { ok: false, reason: 'bad_signature' });
  for (const bad of ['', undefined, 42, 'tf1.x', 'tf2.a.b', 'x'.repeat(20000)]) {
    assert.equal((verifyFeedbackToken(bad, SECRET, { now })).ok, false);
  }
  // Rotation: a list of secrets accepts either.
  assert.equal((verifyFeedbackToken(token, ['old-secret-old-secret-old-secret-old!', SECRET], { now })).ok, true);
  assert.throws(() => mintFeedbackToken({ secret: 'short', sessionId: sid }), /at least 32 bytes/);
  assert.throws(() => mintFeedbackToken({ secret: SECRET, sessionId: 'nope' }), /UUID/);
});

async function stack(t, proxyOptions) {
  const collector = await startTempCollector();
  const proxy = await startProxyServer({
    honeyhiveUrl: collector.url, apiKey: TEST_API_KEY, path: '/feedback',
    feedbackTokens: { secret: SECRET }, ...proxyOptions,
  });
  t.after(async () => {
    await proxy.close();
    await collector.dispose();
  });
  const post = async (body, headers = {}) => {
    const res = await fetch(`${proxy.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, headers: res.headers, json: await res.json() };
  };
  return { collector, proxy, post };
}

test('the proxy refuses missing, expired and forged tokens', async (t) => {
  const { collector, post } = await stack(t);
  const { sessionId } = await collector.client.seedSession();
  const update = { id: 'u-1', event_id: sessionId, feedback: { rating: true } };
  const r1 = await post({ updates: [update] });
  assert.deepEqual([r1.status, r1.json.code], [401, 'token_missing']);
  const expired = mintFeedbackToken({ secret: SECRET, sessionId, ttlSeconds: 1, now: Date.now() - 3600_000 });
  const r2 = await post({ updates: [update], token: expired });
  assert.equal(r2.status, 401);
  assert.equal(r2.json.code, 'token_expired');
  const forged = mintFeedbackToken({ secret: 'attacker-secret-attacker-secret-attack', sessionId });
  const r3 = await post({ updates: [update], token: forged });
  assert.deepEqual([r3.status, r3.json.code], [401, 'token_invalid']);
  assert.equal(listRequests(collector.db, { method: 'PUT' }).length, 0, 'nothing forwarded');
  const good = mintFeedbackToken({ secret: SECRET, sessionId });
  const r4 = await post({ updates: [update], token: good });
  assert.equal(r4.status, 200);
  assert.equal(r4.json.results[0].status, 200);
  assert.deepEqual(getEvent(collector.db, sessionId).feedback, { rating: true });
});

test("feedback onto another session's events is refused per update", async (t) => {
  const { collector, post } = await stack(t);
  const mine = await collector.client.seedSession('mine');
  const theirs = await collector.client.seedSession('theirs');
  const token = mintFeedbackToken({ secret: SECRET, sessionId: mine.sessionId, eventIds: [mine.eventId] });
  const r = await post({
    token,
    updates: [
      { id: 'a', event_id: mine.eventId, feedback: { rating: true } },
      { id: 'b', event_id: theirs.eventId, feedback: { rating: false } },
      { id: 'c', event_id: theirs.sessionId, feedback: { comment: 'spam' } },
      { id: 'd', event_id: mine.sessionId, feedback: { score: 5 } },
    ],
  });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.results.map((x) => [x.status, x.code]), [[200, undefined], [403, 'forbidden_event'], [403, 'forbidden_event'], [200, undefined]]);
  assert.deepEqual(getEvent(collector.db, theirs.eventId).feedback, {});
  assert.deepEqual(getEvent(collector.db, theirs.sessionId).feedback, {});
  assert.deepEqual(getEvent(collector.db, mine.eventId).feedback, { rating: true });
  // A token without event ids covers only the session itself.
  const sessionOnly = mintFeedbackToken({ secret: SECRET, sessionId: mine.sessionId });
  const r2 = await post({ token: sessionOnly, updates: [{ id: 'e', event_id: mine.eventId, feedback: { rating: false } }] });
  assert.equal(r2.json.results[0].status, 403);
});

test('rate limit per token session answers 429 with Retry-After', async (t) => {
  const { collector, post } = await stack(t, { rateLimit: { perMinute: 2 } });
  const { sessionId } = await collector.client.seedSession();
  const token = mintFeedbackToken({ secret: SECRET, sessionId });
  const send = (i) => post({ token, updates: [{ id: `r-${i}`, event_id: sessionId, feedback: { n: i } }] });
  assert.equal((await send(1)).status, 200);
  assert.equal((await send(2)).status, 200);
  const third = await send(3);
  assert.equal(third.status, 429);
  assert.ok(Number(third.headers.get('retry-after')) >= 1);
  // Another session has its own bucket.
  const other = await collector.client.seedSession();
  const otherToken = mintFeedbackToken({ secret: SECRET, sessionId: other.sessionId });
  assert.equal((await post({ token: otherToken, updates: [{ id: 'o', event_id: other.sessionId, feedback: { n: 1 } }] })).status, 200);
});
