// Nothing a client sends can crash or wedge the proxy: a corpus of raw,
// malformed requests over TCP at the README's example server and at
// startProxyServer; after each run a valid batch must still be delivered.
// Also: bodies cut off at maxBodyBytes while streaming, trickling bodies and
// slow requests answered 408 and closed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect } from 'node:net';
import { createProxyHandler, startProxyServer } from '../../dist/server/index.js';
import { startTempCollector, TEST_API_KEY } from '../../collector/testing.mjs';
import { getEvent } from '../../collector/server.mjs';
import { CORPUS, rawRequest } from './rawsocket.mjs';

let c;
before(async () => {
  c = await startTempCollector();
});
after(async () => {
  await c.dispose();
});

/** The README's example, verbatim but for the port and URL. */
async function readmeServer() {
  const feedback = createProxyHandler({ apiKey: TEST_API_KEY, serverUrl: c.url, path: '/feedback', allowedOrigins: ['https://app.example.com'] });
  const server = http.createServer((req, res) => feedback(req, res, () => res.writeHead(404).end()));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }) };
}

async function deliverOne(url) {
  const { eventId } = await c.client.seedSession();
  const res = await fetch(`${url}/feedback`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ updates: [{ id: `ok-${eventId}`, event_id: eventId, feedback: { rating: 1 } }] }),
  });
  assert.equal(res.status, 200);
  assert.deepEqual((await res.json()).results.map((r) => r.status), [200]);
  assert.deepEqual(getEvent(c.db, eventId).feedback, { rating: 1 });
}

const ANSWERS = new Set([200, 204, 400, 403, 404, 405, 408, 413, 415, 431, 501, 505]);

async function runCorpus(port, label) {
  const rows = [];
  // A few at a time: the corpus is also a small flood.
  for (let i = 0; i < CORPUS.length; i += 6) {
    const slice = CORPUS.slice(i, i + 6);
    const out = await Promise.all(slice.map(([, bytes]) => rawRequest(port, bytes, 4000)));
    slice.forEach(([name], k) => rows.push([name, out[k].status]));
  }
  for (const [name, status] of rows) {
    // 0 = closed without an answer: only for what is not HTTP at all or asks for a tunnel.
    const ok = ANSWERS.has(status) || (status === 0 && /TLS|garbage|CONNECT|HTTP\/0\.9|half close/.test(name));
    assert.ok(ok, `${label}: ${name} answered ${status}`);
  }
  console.log(`# ${label}: ${rows.map(([n, s]) => `${n}=${s}`).join('; ')}`);
  return rows;
}

test("the README's example server answers the whole corpus and still delivers", async () => {
  const s = await readmeServer();
  try {
    const rows = await runCorpus(s.port, 'readme');
    const byName = Object.fromEntries(rows);
    assert.equal(byName['target //['], 404);
    assert.equal(byName['target http://[/feedback'], 400);
    assert.equal(byName['body over maxBodyBytes'], 413);
    assert.equal(byName['header 40 KB'], 431);
    await deliverOne(s.url);
  } finally {
    await s.close();
  }
});

test('startProxyServer answers the whole corpus and still delivers', async () => {
  const p = await startProxyServer({ apiKey: TEST_API_KEY, serverUrl: c.url, allowUnsigned: true });
  try {
    const rows = await runCorpus(p.port, 'startProxyServer');
    const byName = Object.fromEntries(rows);
    assert.equal(byName['CONNECT'], 405, 'startProxyServer answers CONNECT too');
    assert.equal(byName['method FOO'] === 400 || byName['method FOO'] === 405, true);
    assert.equal(byName['target http://a:99999/x'], 400);
    await deliverOne(p.url);
  } finally {
    await p.close();
  }
});

test('per-update answers for hostile feedback: invalid_feedback with paths, nothing forwarded', async () => {
  // A body cap large enough for the 100,000-deep object, so the core (not the cap) answers it.
  const p = await startProxyServer({ apiKey: TEST_API_KEY, serverUrl: c.url, allowUnsigned: true, maxBodyBytes: 1 << 20 });
  try {
    const { eventId } = await c.client.seedSession();
    const deep = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const body = `{"updates":[
      {"id":"p","event_id":"${eventId}","feedback":{"__proto__":{"x":1}}},
      {"id":"n","event_id":"${eventId}","feedback":{"a":null,"":1,"b.c":2}},
      {"id":"d","event_id":"${eventId}","feedback":${deep(50)}},
      {"id":"D","event_id":"${eventId}","feedback":${deep(100000)}},
      {"id":"s","event_id":"${eventId}","feedback":{"comment":"${'x'.repeat(200000)}"}},
      {"id":"t","event_id":"${eventId}","feedback":{"score":"5"}},
      {"id":"ok","event_id":"${eventId}","feedback":{"rating":1}}]}`;
    const parts = body.split('\n').slice(1).map((l) => l.trim().replace(/\]\}$/, '').replace(/,$/, ''));
    const results = [];
    for (const part of parts) {
      const r = await fetch(`${p.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"updates":[${part}]}` });
      const j = await r.json();
      results.push(r.status === 200 ? j.results[0] : { status: r.status, code: j.code });
    }
    const [proto, nulls, deep50, deep100k, long, typed, ok] = results;
    for (const r of [proto, nulls, deep50, deep100k, long, typed]) {
      assert.equal(r.status, 400, JSON.stringify(r));
      assert.equal(r.code, 'invalid_feedback');
      assert.ok(Array.isArray(r.errors) && r.errors.length > 0 && r.errors.every((e) => typeof e.path === 'string' && typeof e.code === 'string'), JSON.stringify(r));
    }
    assert.equal(ok.status, 200);
    assert.deepEqual(getEvent(c.db, eventId).feedback, { rating: 1 }, 'only the valid update was forwarded');
  } finally {
    await p.close();
  }
});

test('a streamed body is cut off at maxBodyBytes: 413 long before 20 MB are sent', async () => {
  const p = await startProxyServer({ apiKey: TEST_API_KEY, serverUrl: c.url, allowUnsigned: true, maxBodyBytes: 64 * 1024 });
  try {
    const socket = connect(p.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('error', () => {});
    socket.write('POST /feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    while (!answer && sent < 20 * 1024 * 1024 && !socket.destroyed) {
      const more = socket.write(`${chunk.length.toString(16)}\r\n`) && socket.write(chunk) && socket.write('\r\n');
      sent += chunk.length;
      if (!more) await Promise.race([new Promise((r) => socket.once('drain', r)), new Promise((r) => setTimeout(r, 200))]);
    }
    const t0 = Date.now();
    while (!answer && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
    socket.destroy();
    assert.match(answer, /^HTTP\/1\.1 413/);
    assert.ok(sent < 8 * 1024 * 1024, `answered after ${sent} bytes sent`);
    console.log(`# 413 after ${sent} bytes of a 20 MB body (maxBodyBytes 64 KiB)`);
    await deliverOne(p.url);
  } finally {
    await p.close();
  }
});

test('a body trickling in below minBodyBytesPerSecond is answered 408 and closed', async () => {
  const p = await startProxyServer({ apiKey: TEST_API_KEY, serverUrl: c.url, allowUnsigned: true });
  try {
    const socket = connect(p.port, '127.0.0.1');
    let answer = '';
    let closed = false;
    socket.on('data', (d) => (answer += d));
    socket.on('close', () => (closed = true));
    socket.on('error', () => {});
    socket.write('POST /feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"updates":[');
    const t0 = Date.now();
    const drip = setInterval(() => !socket.destroyed && socket.write(' '), 200);
    while (!closed && Date.now() - t0 < 6000) await new Promise((r) => setTimeout(r, 50));
    clearInterval(drip);
    socket.destroy();
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.ok(closed, 'connection closed');
    assert.ok(Date.now() - t0 < 4000, `took ${Date.now() - t0} ms`);
  } finally {
    await p.close();
  }
});

test('a request slower than requestTimeoutMs (body or headers) is answered 408 and closed', async () => {
  const p = await startProxyServer({ apiKey: TEST_API_KEY, serverUrl: c.url, allowUnsigned: true, requestTimeoutMs: 1500, minBodyBytesPerSecond: 1 });
  try {
    // Body fast enough for the rate, too slow for the deadline.
    const t0 = Date.now();
    const bodyAnswer = await new Promise((resolve) => {
      const socket = connect(p.port, '127.0.0.1');
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
      socket.on('error', () => {});
      socket.write('POST /feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n');
      const drip = setInterval(() => (socket.destroyed ? clearInterval(drip) : socket.write('x'.repeat(50))), 100);
      setTimeout(() => { clearInterval(drip); socket.destroy(); }, 8000);
    });
    assert.match(bodyAnswer, /^HTTP\/1\.1 408/);
    const took = Date.now() - t0;
    assert.ok(took >= 1400 && took < 5000, `closed after ${took} ms`);
    // Headers that never finish: Node's own deadline, checked every second by startProxyServer.
    const headerAnswer = await rawRequest(p.port, 'POST /feedback HTTP/1.1\r\nHost: x\r\nX-Slow: ', 6000);
    assert.equal(headerAnswer.status, 408);
    assert.ok(headerAnswer.closed);
    await deliverOne(p.url);
  } finally {
    await p.close();
  }
});
