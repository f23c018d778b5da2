// Capture cost in Node, without a browser: µs per enrichSpan() over batches
// of 50, delivery running against a loopback endpoint that accepts every
// update, and the wasm heap size at the end. A quick A/B tool for build
// flags (allocator, -O levels), next to bench/capture.mjs's Chromium figure:
// CPU time per capture (process.cpuUsage over the whole loop, delivery
// included) is printed too: on a loaded shared machine it is steadier than
// wall-clock batches.
//   node bench/capture-node.mjs [captures=200000] [ids=50]
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { FEEDBACK } from './capture.mjs';
import { uuids } from './lib/stats.mjs';

// The library exposes no memory accessor: keep the memory of every wasm
// instance as it is made (as bench/memory.mjs does through the page's
// hook); ours is the one of at least INITIAL_MEMORY (1 MiB); Node's fetch
// runs a small wasm of its own.
const memories = [];
const keep = (instance) => {
  for (const v of Object.values(instance.exports)) if (v instanceof WebAssembly.Memory) memories.push(v);
};
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (...a) => {
  const r = await instantiate(...a);
  keep(r.instance ?? r);
  return r;
};
const Instance = WebAssembly.Instance;
WebAssembly.Instance = function (module, imports) {
  const instance = new Instance(module, imports);
  keep(instance);
  return instance;
};
const ours = () => memories.find((m) => m.buffer.byteLength >= 1 << 20);
// TF_DIST=<folder>: a copy of dist/ to measure (A/B of two builds).
const dist = process.env.TF_DIST ? pathToFileURL(process.env.TF_DIST + '/') : new URL('../dist/', import.meta.url);
const { init } = await import(new URL('index.js', dist).href);

const captures = Number(process.argv[2] ?? 200_000);
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    let updates = [];
    try { updates = JSON.parse(body).updates ?? []; } catch {}
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ results: updates.map((u) => ({ id: u.id, status: 200 })) }));
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const client = await init({ endpoint: `http://127.0.0.1:${server.address().port}/feedback`, onError: () => {} });
const ids = uuids(Number(process.argv[3] ?? 50), 7);
const batch = 50;
const perCall = [];
const heap = [];
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
for (let b = 0; b * batch < captures; b++) {
  const t0 = performance.now();
  for (let i = 0; i < batch; i++) {
    const n = b * batch + i;
    client.enrichSpan({ eventId: ids[n % ids.length], feedback: { ...FEEDBACK, actions: { copied: true, copy_count: 1 + (n % 7) } } });
  }
  perCall.push(((performance.now() - t0) * 1000) / batch);
  if (b % 10 === 9) await new Promise((r) => setImmediate(r));
  if (b % 400 === 0) heap.push(ours()?.buffer.byteLength ?? null);
}
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - wall0;
await client.flush?.();
await client.close?.();
server.close();
const sorted = perCall.slice(100).sort((a, b) => a - b); // first batches: JIT warm-up
const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
console.log(JSON.stringify({
  captures, ids: ids.length, medianUs: +at(50).toFixed(2), p99Us: +at(99).toFixed(2),
  cpuUsPerCapture: +((cpu.user + cpu.system) / captures).toFixed(2), wallUsPerCapture: +((wallMs * 1000) / captures).toFixed(2),
  heapBytesSamples: heap,
}));
