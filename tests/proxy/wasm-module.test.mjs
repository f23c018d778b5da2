// The proxy on a runtime that hands out the core as a compiled
// WebAssembly.Module (Cloudflare Workers) and compiles no bytes: the
// `wasmModule` option is instantiated as given, and feedback is still
// checked by the core. Its own file: the core loads once per process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createFetchHandler } from '../../dist/server/index.js';

const bytes = readFileSync(new URL('../../dist/trace_feedback_core.wasm', import.meta.url));

test('createFetchHandler({ wasmModule }) instantiates that Module, never the bytes', async () => {
  const module = new WebAssembly.Module(bytes);
  const seen = [];
  const instantiate = WebAssembly.instantiate;
  // Node's own fetch instantiates a wasm of its own: count only ours
  // (by module identity, or bytes of our length).
  WebAssembly.instantiate = (source, imports) => {
    if (source === module) seen.push('our module');
    else if (source?.byteLength === bytes.length) seen.push('our bytes');
    return instantiate(source, imports);
  };
  try {
    const upstream = [];
    const handler = createFetchHandler({
      apiKey: 'hh-test', allowUnsigned: true, warn: () => {}, wasmModule: module,
      fetch: async (url, init) => {
        upstream.push({ url: String(url), body: init?.body });
        return new Response('{"success":true}', { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    const post = (updates) => handler(new Request('http://proxy.test/feedback', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ updates }),
    }));
    const eventId = '5f0c8a1e-2b3d-4c5e-8f70-a1b2c3d4e5f6';
    const res = await post([
      { id: 'u-1', event_id: eventId, feedback: { rating: true } },
      { id: 'u-2', event_id: eventId, feedback: { ground_truth: 1 } },
    ]);
    assert.equal(res.status, 200);
    const { results } = await res.json();
    assert.equal(results[0].status, 200, JSON.stringify(results));
    assert.equal(results[1].code, 'invalid_feedback', 'the core checked the feedback');
    assert.deepEqual(seen, ['our module']);
    assert.equal(upstream.length, 1);
  } finally {
    WebAssembly.instantiate = instantiate;
  }
});

test('a wasmModule that is not a WebAssembly.Module is refused with its name', () => {
  assert.throws(() => createFetchHandler({ apiKey: 'hh-test', allowUnsigned: true, warn: () => {}, wasmModule: new Uint8Array(4) }), /wasmModule/);
});
