// createFetchHandler: Web-standard only (bundled here for platform=neutral,
// failing on any node: import), driven with real Request objects, mounted in
// a real Hono app, and given the .wasm bytes as an edge runtime would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { Hono } from 'hono';
import { createFetchHandler } from '../../dist/server/index.js';
import { startTempCollector, TEST_API_KEY } from '../../collector/testing.mjs';
import { getEvent } from '../../collector/server.mjs';

const run = promisify(execFile);
let c;
before(async () => (c = await startTempCollector()));
after(async () => c.dispose());

test('the fetch handler path bundles for platform=neutral with no node: import', async () => {
  const result = await build({
    entryPoints: [new URL('../../dist/server/fetch.js', import.meta.url).pathname],
    bundle: true, platform: 'neutral', format: 'esm', write: false, metafile: true, logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((i) => i.endsWith('server/core.js')), 'the core is in the bundle');
  assert.ok(inputs.some((i) => i.endsWith('validate/index.js')), 'the validator is in the bundle');
  const nodeImports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path)).filter((p) => p.startsWith('node:') || ['fs', 'http', 'crypto', 'net', 'path'].includes(p));
  assert.deepEqual(nodeImports, []);
  const text = result.outputFiles[0].text;
  assert.doesNotMatch(text, /from ["']node:|require\(["']node:|import\(["']node:/);
});

const body = (event_id, id = `f-${event_id}`) => JSON.stringify({ updates: [{ id, event_id, feedback: { rating: 1 } }] });

test('Request in, Response out: delivers, preflights, caps the body, refuses bad targets', async () => {
  const handler = createFetchHandler({ apiKey: TEST_API_KEY, serverUrl: c.url, allowUnsigned: true, allowedOrigins: ['https://app.example'], maxBodyBytes: 4096 });
  const { eventId } = await c.client.seedSession();
  const r = await handler(new Request('https://app.example/api/feedback', { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://app.example' }, body: body(eventId) }));
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), 'https://app.example');
  assert.deepEqual((await r.json()).results, [{ id: `f-${eventId}`, status: 200 }]);
  assert.deepEqual(getEvent(c.db, eventId).feedback, { rating: 1 });
  const pre = await handler(new Request('https://app.example/api/feedback', { method: 'OPTIONS', headers: { origin: 'https://app.example' } }));
  assert.equal(pre.status, 204);
  assert.ok(pre.headers.get('access-control-allow-headers'));
  // A streamed body with no Content-Length, cut off at the cap.
  let pulled = 0;
  const stream = new ReadableStream({
    pull(ctl) {
      pulled += 1024;
      if (pulled > 1 << 20) return ctl.close();
      ctl.enqueue(new Uint8Array(1024).fill(32));
    },
  });
  const big = await handler(new Request('https://app.example/api/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' }));
  assert.equal(big.status, 413);
  assert.ok(pulled < 64 * 1024, `stopped reading after ${pulled} bytes`);
  const notJson = await handler(new Request('https://x/feedback', { method: 'POST', body: '{' }));
  assert.deepEqual([notJson.status, (await notJson.json()).code], [400, 'invalid_json']);
});

test('edge runtimes: the neutral bundle with no file system loads the core from wasmBinary', async () => {
  // A child process without process.getBuiltinModule stands in for an edge runtime:
  // the bundle cannot read the .wasm from disk, so it must use the bytes it is given.
  const dir = mkdtempSync(join(tmpdir(), 'tf-edge-'));
  try {
    const out = join(dir, 'fetch-handler.mjs');
    await build({ entryPoints: [new URL('../../dist/server/fetch.js', import.meta.url).pathname], bundle: true, platform: 'neutral', format: 'esm', outfile: out, logLevel: 'silent' });
    const wasm = new URL('../../dist/trace_feedback_core.wasm', import.meta.url).pathname;
    const script = `
      process.getBuiltinModule = undefined;
      const { createFetchHandler } = await import(${JSON.stringify(out)});
      const { readFileSync } = await import('node:fs');
      const req = () => new Request('https://x/feedback', { method: 'POST', body: JSON.stringify({ updates: [{ id: 'w', event_id: '${'7f22137a-6911-4ed3-bc36-110f1dde6b66'}', feedback: { score: 'five' } }] }) });
      const without = await createFetchHandler({ apiKey: 'k', serverUrl: 'http://127.0.0.1:9', allowUnsigned: true })(req());
      const withBytes = await createFetchHandler({ apiKey: 'k', serverUrl: 'http://127.0.0.1:9', allowUnsigned: true, wasmBinary: readFileSync(${JSON.stringify(wasm)}) })(req());
      console.log(JSON.stringify({ without: [without.status, (await without.json()).code], with: (await withBytes.json()).results[0] }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    const seen = JSON.parse(stdout.trim().split('\n').pop());
    assert.deepEqual(seen.without, [503, 'unavailable'], 'no bytes, no file system: a retryable 503, not a crash');
    assert.equal(seen.with.code, 'invalid_feedback');
    assert.ok(seen.with.errors.some((e) => e.path.includes('score')), JSON.stringify(seen.with.errors));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mounted in a Hono app', async () => {
  const app = new Hono();
  const feedback = createFetchHandler({ apiKey: TEST_API_KEY, serverUrl: c.url, allowUnsigned: true, clientAddress: (req) => req.headers.get('x-real-ip') ?? undefined });
  app.on(['POST', 'OPTIONS'], '/api/feedback', (ctx) => feedback(ctx.req.raw));
  app.get('/', (ctx) => ctx.text('app'));
  const { eventId } = await c.client.seedSession();
  const r = await app.fetch(new Request('http://localhost/api/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(eventId, 'hono-1') }));
  assert.equal(r.status, 200);
  assert.deepEqual((await r.json()).results, [{ id: 'hono-1', status: 200 }]);
  assert.deepEqual(getEvent(c.db, eventId).feedback, { rating: 1 });
  assert.equal(await (await app.fetch(new Request('http://localhost/'))).text(), 'app');
});

test("the fetch handler stops upstream work when the request's signal aborts", async () => {
  const { startUpstream } = await import('./upstream.mjs');
  const up = await startUpstream({ delayMs: 400 });
  try {
    const calls = [];
    const handler = createFetchHandler({
      apiKey: 'k', serverUrl: up.url, allowUnsigned: true, concurrency: 4,
      fetch: (url, init) => (calls.push(Date.now()), fetch(url, init)),
    });
    const ac = new AbortController();
    const updates = Array.from({ length: 40 }, (_, i) => ({ id: `s-${i}`, event_id: crypto.randomUUID(), feedback: { rating: 1 } }));
    const answer = handler(new Request('https://x/feedback', { method: 'POST', body: JSON.stringify({ updates }), signal: ac.signal }));
    while (calls.length < 4) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    const res = await answer;
    const results = (await res.json()).results;
    assert.equal(calls.length, 4, 'the 36 waiting calls were dropped');
    assert.ok(results.slice(4).every((r) => r.status === 503 && r.code === 'overloaded'));
    const t0 = Date.now();
    while (up.stats.inFlight > 0 && Date.now() - t0 < 1000) await new Promise((r) => setTimeout(r, 10));
    assert.equal(up.stats.inFlight, 0, 'the running ones were aborted');
  } finally {
    await up.close();
  }
});
