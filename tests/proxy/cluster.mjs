// Three proxy instances on one Redis behind a round-robin balancer, in one
// process: each instance has its own store client, as separate processes would.
import http from 'node:http';
import { startProxyServer, createRedisStore } from '../../dist/server/index.js';

/**
 * @param {{ redisUrl: string, serverUrl: string, apiKey: string, instances?: number, proxy?: object }} o
 */
export async function startCluster(o) {
  const instances = [];
  for (let i = 0; i < (o.instances ?? 3); i++) {
    const errors = [];
    const store = createRedisStore({ url: o.redisUrl, commandTimeoutMs: 500, onError: (e) => errors.push(e) });
    const proxy = await startProxyServer({ apiKey: o.apiKey, serverUrl: o.serverUrl, allowUnsigned: true, store, ...o.proxy });
    instances.push({ proxy, store, errors, alive: true });
  }
  let next = 0;
  const served = [];
  // A plain round-robin balancer: no retries of its own (a failing instance answers 502, as most do).
  const balancer = http.createServer((req, res) => {
    const alive = instances.filter((x) => x.alive);
    const target = alive[next++ % alive.length];
    served.push(instances.indexOf(target));
    const up = http.request(`${target.proxy.url}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"bad gateway","code":"upstream_unavailable"}');
      else res.destroy();
    });
    req.pipe(up);
  });
  await new Promise((r) => balancer.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${balancer.address().port}`,
    instances,
    served,
    /** Kills instance i: its server closes every connection at once (in-flight batches included). */
    async kill(i) {
      instances[i].alive = false;
      await instances[i].proxy.close();
    },
    async close() {
      await new Promise((r) => { balancer.close(r); balancer.closeAllConnections(); });
      for (const x of instances) {
        if (x.alive) await x.proxy.close();
        await x.store.close();
      }
    },
  };
}
