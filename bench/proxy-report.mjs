// The "Proxy throughput" section of BENCHMARKS.md, from results.proxy (bench/proxy.mjs).
const int = (v) => Math.round(v).toLocaleString('en-US');

export function renderProxy(p) {
  if (p.error) return `## 7. Proxy throughput\n\nNot measured: ${p.error}`;
  const rows = p.rows.map((r) => {
    const ups = (r.rounds ?? []).map((x) => x.updatesPerSecond);
    const range = ups.length > 1 ? ` (${int(Math.min(...ups))}–${int(Math.max(...ups))})` : '';
    return `| ${r.name} | ${int(r.updatesPerSecond)}${range} | ${r.p50Ms} | ${r.p99Ms} | ${int(r.failed)} |`;
  });
  return `## 7. Proxy throughput

\`bench/proxy.mjs\` (also alone: \`node bench/proxy.mjs\`): ${p.shape.pages} pages post batches of ${p.shape.batchSize}
updates (each to a fresh event; 70% thumbs, 20% stock comments, 10% free text) back to back for ${p.shape.durationMs / 1000} s after a ${p.shape.warmupMs / 1000} s warm-up,\n${p.shape.rounds ?? 1} rounds interleaving the setups (figures: the median round),
against a loopback upstream answering every PUT in ${p.upstreamMs} ms. Each page is its own client
(\`X-Forwarded-For\` behind one trusted hop, as behind a balancer). Load generator, proxies, Redis client and
upstream share this machine's cores, so the bare forward and the proxy compete for the same CPU.
Latency is per update (its batch's round trip). Proxy defaults (\`concurrency\` 256, \`perClientConcurrency\` 16,
\`maxQueuedCalls\` 10,000) but \`trustProxy: 1\`.

| setup | updates/s (range over rounds) | p50 ms | p99 ms | not delivered |
|---|---:|---:|---:|---:|
${rows.join('\n')}

One instance with the memory store does **${p.ratioToBare ?? 'n/a'}×** the bare forward (target ≥ 0.8×).${
    p.redisP50OverheadMs !== undefined
      ? ` End to end, one instance on Redis differs from one on the memory store by ${p.redisP50OverheadMs > 0 ? '+' : ''}${p.redisP50OverheadMs} ms p50, which on a loaded machine is mostly queueing for the CPU. The store's own share, measured alone (claim with order, then complete, one update after another): memory ${p.stores.memory.p50Ms} ms, Redis **${p.stores.redis.p50Ms} ms** p50 (p99 ${p.stores.redis.p99Ms} ms), so Redis adds **${p.storeP50OverheadMs} ms** p50 per update (target ≤ 1 ms).`
      : ' Redis: not installed, not measured.'
  } Load average at the end: ${p.loadAverage?.join(', ') ?? 'n/a'}.`;
}
