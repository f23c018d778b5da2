// The Node adapter: an (req, res, next) handler around the Web-standard core
// (core.ts), plus startProxyServer. Here live the Node-only parts: reading the
// body off the socket with its cap and deadlines, and noticing a hang-up.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxyCore, type BodyResult, type ProxyAnswer, type ProxyCore } from './core.js';
import type { ProxyOptions } from './options.js';

/**
 * A Node request handler, `(req, res, next?)`, as createProxyHandler
 * returns it; `next` is called for requests that are not its path.
 *
 * @example
 * ```ts
 * const handler: ProxyHandler = createProxyHandler({ apiKey: process.env.HH_API_KEY! });
 * http.createServer((req, res) => handler(req, res, () => res.writeHead(404).end())).listen(3000);
 * ```
 */
export type ProxyHandler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

/**
 * A Node request handler (also usable as Express/Connect middleware: when the
 * path does not match it calls `next`, and it reuses a `req.body` a body
 * parser already produced). Never throws, whatever the request.
 *
 * @example
 * ```ts
 * app.use(createProxyHandler({ apiKey: process.env.HH_API_KEY!, path: '/feedback', allowedOrigins: ['https://app.example.com'] }));
 * ```
 */
export function createProxyHandler(options: ProxyOptions): ProxyHandler {
  return nodeAdapter(createProxyCore(options, 'createProxyHandler'));
}

function nodeAdapter(core: ProxyCore): ProxyHandler {
  return (req, res, next) => {
    try {
      serve(core, req, res, next);
    } catch (error) {
      // Unreachable by design; a last guard so no request can take the process down.
      try {
        core.options.onError?.(error, { kind: 'internal' });
      } catch {
        // ignore
      }
      if (!res.headersSent) res.writeHead(500, { connection: 'close' }).end();
      else res.destroy();
    }
  };
}

function serve(core: ProxyCore, req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void {
  const started = Date.now();
  const controller = new AbortController();
  // A request handed on late (held by middleware) may come with its client
  // already gone: its 'close' has fired, so check now as well.
  if (res.destroyed || req.socket?.destroyed) controller.abort();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const header = (name: string) => {
    const v = req.headers[name];
    return v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : v;
  };
  core
    .handle(
      {
        method: req.method ?? 'GET',
        target: req.url ?? '/',
        originalTarget: originalUrl(req),
        header,
        remoteAddress: req.socket?.remoteAddress ?? '',
        readBody: (limit) => readBody(req, limit, started, core),
        signal: controller.signal,
        hookRequest: req,
      },
      typeof next === 'function',
    )
    .then((answer) => {
      if (answer === 'next') return next!();
      write(req, res, answer);
    })
    .catch(() => res.destroy());
}

/** Express/Connect's `req.originalUrl`, when a router set one. */
function originalUrl(req: IncomingMessage): string | undefined {
  const v = (req as IncomingMessage & { originalUrl?: unknown }).originalUrl;
  return typeof v === 'string' ? v : undefined;
}

function write(req: IncomingMessage, res: ServerResponse, answer: ProxyAnswer): void {
  if (res.headersSent || res.destroyed) return;
  // A body we did not read stays on the connection. A small declared one is
  // drained (closing under a client still sending can cost it the answer);
  // anything else is answered, then the connection closed.
  const declared = Number(req.headers['content-length']);
  const drainable = Number.isFinite(declared) && declared <= DRAIN_LIMIT;
  const close = answer.close || (!req.readableEnded && !drainable);
  if (!req.readableEnded && !close) req.resume();
  for (const [k, v] of Object.entries(answer.headers)) res.setHeader(k, v);
  if (answer.status !== 204) res.setHeader('content-length', Buffer.byteLength(answer.body));
  if (close) res.setHeader('connection', 'close');
  res.statusCode = answer.status;
  res.end(answer.status === 204 ? undefined : answer.body);
  if (close) {
    req.resume(); // discard what still arrives until the socket closes
    res.on('finish', () => setTimeout(() => req.socket?.destroy(), 1000).unref());
  }
}

const DRAIN_LIMIT = 1024 * 1024;

const tooLarge = (limit: number): BodyResult => ({ ok: false, status: 413, error: `body larger than ${limit} bytes`, code: 'body_too_large' });
const tooSlow: BodyResult = { ok: false, status: 408, error: 'request body too slow', code: 'request_timeout' };

function parseJson(text: string, limit: number): BodyResult {
  if (Buffer.byteLength(text) > limit) return tooLarge(limit);
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, error: 'body is not valid JSON', code: 'invalid_json' };
  }
}

/** Reads the JSON body, cut off at `limit` bytes, `requestTimeoutMs` and the minimum rate. */
function readBody(req: IncomingMessage, limit: number, started: number, core: ProxyCore): Promise<BodyResult> {
  // A body parser (express.json/express.text) may have consumed the stream already.
  const preParsed = (req as IncomingMessage & { body?: unknown }).body;
  if (preParsed !== undefined && req.readableEnded) {
    if (typeof preParsed === 'string' || Buffer.isBuffer(preParsed)) return Promise.resolve(parseJson(preParsed.toString(), limit));
    return Promise.resolve({ ok: true, value: preParsed });
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(tooLarge(limit));
  return new Promise<BodyResult>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearInterval(pace);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return finish(tooLarge(limit));
      chunks.push(chunk);
    };
    const onEnd = () => finish(parseJson(Buffer.concat(chunks).toString('utf8'), limit));
    const onError = () => finish({ ok: false, status: 400, error: 'request body could not be read', code: 'bad_request' });
    const deadline = setTimeout(() => finish(tooSlow), Math.max(0, core.requestTimeoutMs - (Date.now() - started)));
    // A trickle: after a 1 s grace, the average rate must stay above the minimum.
    const pace = setInterval(() => {
      const seconds = (Date.now() - started) / 1000;
      if (seconds > 1 && size < core.minBodyBytesPerSecond * (seconds - 1)) finish(tooSlow);
    }, 250);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * A running {@link startProxyServer}.
 *
 * @example
 * ```ts
 * const proxy: ProxyServer = await startProxyServer({ apiKey: process.env.HH_API_KEY! });
 * console.log('feedback proxy on', proxy.url);
 * await proxy.close();
 * ```
 */
export interface ProxyServer {
  /** Base URL it listens on, e.g. "http://127.0.0.1:41234". */
  url: string;
  /** The port it bound (a free one when `port` was not given). */
  port: number;
  /** The underlying node:http server. */
  server: Server;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

/**
 * A standalone HTTP server around createProxyHandler (demos, tests, small
 * deployments), with Node's header deadline and CONNECT handled. Listens on
 * `host` (default 127.0.0.1) and `port` (default 0: a free port).
 *
 * @example
 * ```ts
 * const proxy = await startProxyServer({ apiKey: process.env.HH_API_KEY!, port: 8787, allowedOrigins: ['http://localhost:5173'] });
 * ```
 */
export async function startProxyServer(options: ProxyOptions & { port?: number; host?: string }): Promise<ProxyServer> {
  const { port, host, ...rest } = options ?? ({} as typeof options);
  const core = createProxyCore(rest as ProxyOptions, 'startProxyServer');
  const handler = nodeAdapter(core);
  // Node's own deadlines for what arrives before the handler runs (slow headers);
  // checked every second rather than the default 30 s.
  const server = createServer({ connectionsCheckingInterval: 1000, headersTimeout: core.requestTimeoutMs, requestTimeout: core.requestTimeoutMs + 1000 }, (req, res) =>
    handler(req, res),
  );
  // No tunnels: answer CONNECT instead of dropping the socket.
  server.on('connect', (_req, socket) => {
    socket.on('error', () => {});
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nAllow: POST, OPTIONS\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
