// A small real HTTP upstream standing in for HoneyHive where the tests need
// to watch work itself (calls in flight, hang-ups) rather than stored events.
import http from 'node:http';

/**
 * @param {{ delayMs?: number, status?: (req: http.IncomingMessage) => number, body?: (req: http.IncomingMessage) => string, sessions?: Map<string, string> }} [options]
 *   sessions: event id -> session id, answered on GET /v1/events/{id} (404 when absent)
 */
export async function startUpstream(options = {}) {
  const stats = { gets: 0, started: 0, finished: 0, aborted: 0, inFlight: 0, maxInFlight: 0, lastStart: 0, puts: [] };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const id = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
      if (req.method === 'GET') {
        stats.gets += 1;
        const sid = options.sessions?.get(id);
        res.writeHead(sid ? 200 : 404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(sid ? { event: { event_id: id, session_id: sid } } : { error: 'not found' }));
      }
      stats.started += 1;
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      stats.lastStart = Date.now();
      let done = false;
      res.on('close', () => {
        if (!done) {
          done = true;
          stats.inFlight -= 1;
          stats.aborted += 1;
        }
      });
      setTimeout(() => {
        if (done) return;
        done = true;
        stats.inFlight -= 1;
        stats.finished += 1;
        try {
          stats.puts.push({ id, auth: req.headers.authorization, body: JSON.parse(body), at: Date.now() });
        } catch {
          stats.puts.push({ id, body, at: Date.now() });
        }
        const status = options.status?.(req) ?? 200;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(options.body?.(req) ?? JSON.stringify({ success: status < 300 }));
      }, options.delayMs ?? 20);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url, stats, server,
    close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }),
  };
}
