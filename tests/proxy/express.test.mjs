// examples/express with the real express package, against the collector:
// as middleware before any body parser, and after express.json().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { createApp } from '../../examples/express/server.mjs';
import { createProxyHandler } from '../../dist/server/index.js';
import { startTempCollector, TEST_API_KEY } from '../../collector/testing.mjs';
import { getEvent } from '../../collector/server.mjs';

const SECRET = 'express-example-secret-express-example!!';
let c;
before(async () => (c = await startTempCollector()));
after(async () => c.dispose());

async function listen(app) {
  const server = await new Promise((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }) };
}

test('the Express example delivers a signed batch and refuses an unsigned one; other routes still work', async () => {
  const s = await listen(createApp({ apiKey: TEST_API_KEY, secret: SECRET, serverUrl: c.url }));
  try {
    const { sessionId } = await c.client.seedSession();
    const { token } = await (await fetch(`${s.url}/session/${sessionId}/token`)).json();
    const body = { token, updates: [{ id: 'tfx-1', event_id: sessionId, feedback: { rating: 1, comment: 'via express' } }] };
    const r = await fetch(`${s.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(r.status, 200);
    assert.deepEqual((await r.json()).results, [{ id: 'tfx-1', status: 200 }]);
    assert.deepEqual(getEvent(c.db, sessionId).feedback, { rating: 1, comment: 'via express' });
    const unsigned = await fetch(`${s.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ updates: body.updates }) });
    assert.deepEqual([unsigned.status, (await unsigned.json()).code], [401, 'token_missing']);
    const bad = await fetch(`${s.url}/feedback?x=%zz`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: 'x' });
    assert.equal(bad.status, 415);
  } finally {
    await s.close();
  }
});

test('after express.json(), the handler reuses req.body', async () => {
  const app = express();
  app.use(express.json());
  app.use(createProxyHandler({ apiKey: TEST_API_KEY, serverUrl: c.url, allowUnsigned: true }));
  app.use((_req, res) => res.status(404).json({ route: 'app 404' }));
  const s = await listen(app);
  try {
    const { eventId } = await c.client.seedSession();
    const r = await fetch(`${s.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ updates: [{ id: 'j-1', event_id: eventId, feedback: { rating: -1 } }] }) });
    assert.deepEqual((await r.json()).results, [{ id: 'j-1', status: 200 }]);
    assert.deepEqual(getEvent(c.db, eventId).feedback, { rating: -1 });
    assert.deepEqual(await (await fetch(`${s.url}/elsewhere`)).json(), { route: 'app 404' });
  } finally {
    await s.close();
  }
});

test("mounted with app.use('/feedback', handler) (Express strips the mount path from req.url), it still answers", async () => {
  const app = express();
  app.use('/feedback', createProxyHandler({ apiKey: TEST_API_KEY, serverUrl: c.url, allowUnsigned: true }));
  app.use('/api', createProxyHandler({ apiKey: TEST_API_KEY, serverUrl: c.url, allowUnsigned: true })); // serves /api/feedback
  app.use((_req, res) => res.status(404).json({ route: 'app 404' }));
  const s = await listen(app);
  try {
    for (const [route, id] of [['/feedback', 'm-1'], ['/api/feedback', 'm-2']]) {
      const { eventId } = await c.client.seedSession();
      const r = await fetch(`${s.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ updates: [{ id, event_id: eventId, feedback: { rating: 1 } }] }) });
      assert.equal(r.status, 200, route);
      assert.deepEqual((await r.json()).results, [{ id, status: 200 }], route);
      assert.deepEqual(getEvent(c.db, eventId).feedback, { rating: 1 }, route);
    }
    assert.deepEqual(await (await fetch(`${s.url}/api/other`)).json(), { route: 'app 404' }, 'other paths still go to next()');
  } finally {
    await s.close();
  }
});
