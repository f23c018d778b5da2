// Proxy throughput: updates/s and per-update latency (p50/p99) of a bare
// forward (parse the batch, fetch each update, no limits), one proxy with the
// memory store, one with the Redis store, and three on one Redis, all
// against a loopback upstream answering every PUT in 20 ms. Many pages post
// at once; each is its own client (X-Forwarded-For behind one trusted hop),
// as behind a load balancer. Feedback: 70% thumbs, 20% stock comments, 10%
// free text. Standalone: node bench/proxy.mjs [--quick]
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startProxyServer, createRedisStore, createMemoryStore } from '../dist/server/index.js';

const UPSTREAM_MS = 20;

function listen(server) {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${server.address().port}`)));
}
const closeServer = (s) => new Promise((r) => { s.close(r); s.closeAllConnections(); });

async function startUpstream() {
  let puts = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => {
      puts += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
    }, UPSTREAM_MS));
  });
  server.keepAliveTimeout = 60_000;
  return { url: await listen(server), close: () => closeServer(server), puts: () => puts };
}

/** The baseline: what any hand-written forward does, with no checks, limits or state. */
async function startBareForward(upstreamUrl) {
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const { updates } = JSON.parse(body);
    const results = await Promise.all(updates.map(async (u) => {
      try {
        const r = await fetch(`${upstreamUrl}/v1/events/${u.event_id}`, {
          method: 'PUT', headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, body: JSON.stringify({ feedback: u.feedback }),
        });
        await r.arrayBuffer();
        return { id: u.id, status: r.status };
      } catch {
        return { id: u.id, status: 502 };
      }
    }));
    const text = JSON.stringify({ results });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  });
  server.keepAliveTimeout = 60_000;
  return { urls: [await listen(server)], close: () => closeServer(server) };
}

async function freePort() {
  const s = netServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function startRedis() {
  const bin = '/usr/bin/redis-server';
  if (!existsSync(bin)) return undefined;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tf-bench-redis-'));
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve, reject) => {
    let log = '';
    child.stdout.on('data', (d) => ((log += d), log.includes('Ready to accept') && resolve()));
    child.on('exit', () => reject(new Error('redis-server exited')));
  });
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.once('exit', r));
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startProxies(upstreamUrl, count, redisUrl) {
  const instances = [];
  for (let i = 0; i < count; i++) {
    const store = redisUrl ? createRedisStore({ url: redisUrl }) : undefined;
    // Defaults but for what a deployment behind a balancer sets.
    const proxy = await startProxyServer({ apiKey: 'k', serverUrl: upstreamUrl, allowUnsigned: true, trustProxy: 1, ...(store ? { store } : {}) });
    proxy.server.keepAliveTimeout = 60_000;
    instances.push({ proxy, store });
  }
  return {
    urls: instances.map((x) => x.proxy.url),
    async close() {
      for (const x of instances) {
        await x.proxy.close();
        await x.store?.close();
      }
    },
  };
}

const STOCK = Array.from({ length: 20 }, (_, i) => `stock answer ${i}: ${'helpful '.repeat(i % 5)}`.trim());
/** A busy app's mix: 70% thumbs, 20% stock comments, 10% free text seen once. */
function feedbackMix(seq) {
  const r = seq % 10;
  if (r < 7) return { rating: seq % 3 ? 1 : -1 };
  if (r < 9) return { rating: 1, comment: STOCK[seq % STOCK.length] };
  return { rating: -1, comment: `free text ${seq} ${randomUUID()}`, tags: ['wrong', 'slow'] };
}

function quantile(sorted, q) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * `pages` concurrent pages, each posting batches of `batchSize` updates (to
 * fresh events) one after another for `durationMs`, round-robin over `urls`.
 */
async function load(urls, { pages, batchSize, durationMs, warmupMs }) {
  const latencies = [];
  let delivered = 0;
  let failed = 0;
  const start = performance.now();
  const end = start + warmupMs + durationMs;
  let rr = 0;
  await Promise.all(Array.from({ length: pages }, async (_, page) => {
    const client = `tfbench${page}x${randomUUID().slice(0, 8)}`;
    const ip = `10.0.${page >> 8}.${page & 255}`;
    let seq = 0;
    while (performance.now() < end) {
      const updates = Array.from({ length: batchSize }, () => ({ id: `${client}-${++seq}`, event_id: randomUUID(), feedback: feedbackMix(seq) }));
      const t0 = performance.now();
      let ok = 0;
      try {
        const res = await fetch(`${urls[rr++ % urls.length]}/feedback`, {
          method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ updates }),
        });
        const json = await res.json();
        ok = res.status === 200 ? json.results.filter((r) => r.status === 200).length : 0;
      } catch {
        ok = 0;
      }
      const t1 = performance.now();
      // Counted when the answer arrives inside the measured window.
      if (t1 >= start + warmupMs && t1 <= end) {
        delivered += ok;
        failed += batchSize - ok;
        for (let i = 0; i < batchSize; i++) latencies.push(t1 - t0);
      }
    }
  }));
  latencies.sort((a, b) => a - b);
  return {
    updatesPerSecond: Math.round(delivered / (durationMs / 1000)),
    failed,
    p50Ms: Math.round(quantile(latencies, 0.5) * 10) / 10,
    p99Ms: Math.round(quantile(latencies, 0.99) * 10) / 10,
  };
}

/** The store's own share of an update: claim (with order) then complete, one update after another. */
async function storeCost(store, n) {
  const times = [];
  const client = `tfstore${randomUUID().slice(0, 8)}`;
  // Connected and scripts loaded first: the first command may wait for the connection.
  for (let tries = 0; ; tries++) {
    try {
      await store.hit(`warm:${client}`, 1, 1e9, 60_000);
      break;
    } catch (error) {
      if (tries > 20) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  for (let i = 1; i <= n; i++) {
    const eventId = randomUUID();
    const key = `${eventId} ${client}-${i}`;
    const t0 = performance.now();
    if (store.claimInOrder) await store.claimInOrder(key, 15_000, 'addr:bench', { eventId, stream: client, seq: String(i) });
    else {
      await store.claim(key, 15_000, 'addr:bench');
      await store.advance(eventId, client, String(i));
    }
    await store.complete(key, { status: 200 }, 'addr:bench');
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: Math.round(quantile(times, 0.5) * 1000) / 1000, p99Ms: Math.round(quantile(times, 0.99) * 1000) / 1000 };
}

export async function measureProxy({ quick = false, log = console.log } = {}) {
  // Rounds interleave the setups, so a change in machine load hits all of them alike.
  const rounds = quick ? 1 : 5;
  const shape = { pages: Number(process.env.BENCH_PROXY_PAGES ?? 32), batchSize: 10, durationMs: quick ? 1500 : 2500, warmupMs: quick ? 300 : 500, rounds };
  const upstream = await startUpstream();
  const redis = await startRedis().catch(() => undefined);
  const scenarios = [
    ['bare forward (no checks, no limits)', () => startBareForward(upstream.url)],
    ['proxy, 1 instance, memory store', () => startProxies(upstream.url, 1)],
    ...(redis ? [
      ['proxy, 1 instance, Redis store', () => startProxies(upstream.url, 1, redis.url)],
      ['proxy, 3 instances, one Redis', () => startProxies(upstream.url, 3, redis.url)],
    ] : []),
  ];
  const targets = [];
  const samples = scenarios.map(() => []);
  const stores = {};
  try {
    stores.memory = await storeCost(createMemoryStore(), quick ? 500 : 3000);
    if (redis) {
      const rs = createRedisStore({ url: redis.url });
      stores.redis = await storeCost(rs, quick ? 500 : 3000);
      await rs.close();
    }
    log(`proxy: store cost per update: memory p50 ${stores.memory.p50Ms} ms${stores.redis ? `, Redis p50 ${stores.redis.p50Ms} ms (p99 ${stores.redis.p99Ms} ms)` : ''}`);
    for (const [, start] of scenarios) targets.push(await start());
    for (let round = 0; round < rounds; round++) {
      for (const [i, [name]] of scenarios.entries()) {
        const r = await load(targets[i].urls, shape);
        samples[i].push(r);
        log(`proxy: round ${round + 1}/${rounds} ${name}: ${r.updatesPerSecond} updates/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms${r.failed ? `, ${r.failed} not delivered` : ''}`);
      }
    }
  } finally {
    for (const t of targets) await t.close();
    await upstream.close();
    await redis?.stop();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows = scenarios.map(([name], i) => ({
    name,
    updatesPerSecond: median(samples[i].map((r) => r.updatesPerSecond)),
    p50Ms: median(samples[i].map((r) => r.p50Ms)),
    p99Ms: median(samples[i].map((r) => r.p99Ms)),
    failed: samples[i].reduce((a, r) => a + r.failed, 0),
    rounds: samples[i],
  }));
  const [bare, mem, red] = rows;
  return {
    upstreamMs: UPSTREAM_MS,
    shape,
    rows,
    ratioToBare: mem && bare ? Math.round((mem.updatesPerSecond / bare.updatesPerSecond) * 100) / 100 : undefined,
    redisP50OverheadMs: red && mem ? Math.round((red.p50Ms - mem.p50Ms) * 10) / 10 : undefined,
    stores,
    storeP50OverheadMs: stores.redis ? Math.round((stores.redis.p50Ms - stores.memory.p50Ms) * 1000) / 1000 : undefined,
    redis: !!redis,
    loadAverage: (await import('node:os')).loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await measureProxy({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(r, null, 2));
}
