// The reference proxy: the app's own endpoint that receives feedback batches
// from the page and forwards each update to HoneyHive with the server's key,
// so no secret key is ever shipped to the browser. Wire format in batch.ts.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkUpdate, isRetryableStatus, parseBatch,
  type BatchResponse, type FeedbackBatch, type FeedbackUpdate, type UpdateResult,
} from './batch.js';
import { answerPreflight, decideOrigin, setCorsHeaders } from './cors.js';
import { idempotencyKey, MemoryIdempotencyStore, type IdempotencyStore } from './idempotency.js';
import { RateLimiter, type RateLimitOptions } from './ratelimit.js';
import { KeyedLock, Semaphore } from './scheduling.js';
import { tokenPolicy, type TokenPolicyOptions } from './token.js';
import { forwardUpdate, type UpstreamConfig, type UpstreamErrorKind } from './upstream.js';

export type AuthorizeResult = { ok: true } | { ok: false; status?: number; error?: string };

export interface ProxyErrorContext {
  kind: UpstreamErrorKind | 'store' | 'authorize' | 'internal';
  eventId?: string;
  updateId?: string;
}

export interface ProxyOptions {
  /** HoneyHive project API key, from the server's environment. Required. */
  apiKey: string;
  /** Default https://api.dp1.us.honeyhive.ai */
  honeyhiveUrl?: string;
  /** Use the deprecated `PUT /events` (event_id in the body), as HoneyHive's own SDKs still do. */
  legacy?: boolean;
  /** Path this handler answers; default '/feedback'; null answers every path. */
  path?: string | null;
  /** Cross-origin pages allowed to post; same-origin requests always pass. */
  allowedOrigins?: readonly string[];
  /** Send Access-Control-Allow-Credentials for allowed origins. */
  allowCredentials?: boolean;
  /** Default 256 KiB; larger bodies get 413. */
  maxBodyBytes?: number;
  /** Default 100; more updates in one batch get 413. */
  maxUpdatesPerBatch?: number;
  /** Upstream requests in flight at once, across all batches. Default 4. */
  concurrency?: number;
  /** Per upstream request. Default 10 000 ms; a timeout answers 504 for that update. */
  timeoutMs?: number;
  /** Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Applied-update memory; default an in-memory LRU. false disables deduplication. */
  idempotencyStore?: IdempotencyStore | false;
  /** Told about upstream outages, refused credentials, store and hook failures. */
  onError?: (error: unknown, context: ProxyErrorContext) => void;
  /** Decides whether this request may post this batch (e.g. checks batch.token). */
  authorize?: (req: IncomingMessage, batch: FeedbackBatch) => AuthorizeResult | Promise<AuthorizeResult>;
  /** Decides per update (after `authorize`); a refusal answers that update only. */
  authorizeUpdate?: (update: FeedbackUpdate, batch: FeedbackBatch, req: IncomingMessage) => AuthorizeResult;
  /**
   * Require signed feedback tokens (see token.ts): batches without a valid
   * one get 401/403, updates to events the token does not cover get 403.
   */
  feedbackTokens?: TokenPolicyOptions;
  /** Batches per key (the token's session, else the client address); excess gets 429 + Retry-After. */
  rateLimit?: RateLimitOptions;
}

export type ProxyHandler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

export const DEFAULT_HONEYHIVE_URL = 'https://api.dp1.us.honeyhive.ai';

/**
 * A Node request handler (also usable as Express/Connect middleware: when the
 * path does not match it calls `next`, and it reuses a `req.body` a body
 * parser already produced).
 */
export function createProxyHandler(options: ProxyOptions): ProxyHandler {
  if (typeof options?.apiKey !== 'string' || options.apiKey === '') {
    throw new TypeError('createProxyHandler: apiKey is required (read it from the server environment)');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError('createProxyHandler: no fetch available; pass options.fetch');
  const upstream: UpstreamConfig = {
    honeyhiveUrl: options.honeyhiveUrl ?? DEFAULT_HONEYHIVE_URL,
    apiKey: options.apiKey,
    legacy: options.legacy ?? false,
    timeoutMs: options.timeoutMs ?? 10_000,
    fetch: fetchImpl,
  };
  const path = options.path === undefined ? '/feedback' : options.path;
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const maxUpdates = options.maxUpdatesPerBatch ?? 100;
  const store = options.idempotencyStore === false ? undefined : options.idempotencyStore ?? new MemoryIdempotencyStore();
  const semaphore = new Semaphore(Math.max(1, options.concurrency ?? 4));
  const eventLock = new KeyedLock();
  const tokens = options.feedbackTokens ? tokenPolicy(options.feedbackTokens) : undefined;
  const limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : undefined;
  const report = (error: unknown, context: ProxyErrorContext) => {
    try {
      options.onError?.(error, context);
    } catch {
      // A failing error hook must not take the request down with it.
    }
  };

  /** One update, assuming the event lock is held. */
  async function applyOne(update: FeedbackUpdate): Promise<UpdateResult> {
    const key = idempotencyKey(update.event_id, update.id);
    if (store) {
      try {
        const seen = await store.get(key);
        if (seen) return { ...seen, id: update.id, duplicate: true };
      } catch (error) {
        // Fail open: a store outage should not stop feedback; worst case a replay.
        report(error, { kind: 'store', eventId: update.event_id, updateId: update.id });
      }
    }
    const outcome = await semaphore.run(() => forwardUpdate(upstream, update));
    if (outcome.problem) report(outcome.problem.error, { kind: outcome.problem.kind, eventId: update.event_id, updateId: update.id });
    if (store && outcome.result.status >= 200 && outcome.result.status < 300) {
      try {
        await store.set(key, outcome.result);
      } catch (error) {
        report(error, { kind: 'store', eventId: update.event_id, updateId: update.id });
      }
    }
    return outcome.result;
  }

  /**
   * The updates of one event, in batch order. After a retryable failure the
   * rest are not sent: applying them now and the failed one on retry would
   * let the older feedback win.
   */
  async function applyChain(items: Array<{ index: number; update: FeedbackUpdate }>, results: UpdateResult[]): Promise<void> {
    const byId = new Map<string, UpdateResult>();
    let blocker: UpdateResult | undefined;
    for (const { index, update } of items) {
      const same = byId.get(update.id);
      if (same) {
        results[index] = { ...same };
        continue;
      }
      let result: UpdateResult;
      if (blocker) {
        result = { id: update.id, status: blocker.status, error: 'not sent: an earlier update to this event failed' };
        if (blocker.retryAfter !== undefined) result.retryAfter = blocker.retryAfter;
      } else {
        result = await applyOne(update);
        if (isRetryableStatus(result.status)) blocker = result;
      }
      byId.set(update.id, result);
      results[index] = result;
    }
  }

  async function handleBatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, maxBodyBytes);
    if (!body.ok) return sendJson(res, body.status, { error: body.error }, body.status === 413);
    const parsed = parseBatch(body.value);
    if (!parsed.ok) return sendJson(res, 400, { error: parsed.error });
    const batch = parsed.batch;
    if (batch.updates.length > maxUpdates) {
      return sendJson(res, 413, { error: `too many updates in one batch (${batch.updates.length} > ${maxUpdates})` });
    }
    for (const authorize of [tokens?.authorize, options.authorize]) {
      if (!authorize) continue;
      let verdict: AuthorizeResult;
      try {
        verdict = await authorize(req, batch);
      } catch (error) {
        report(error, { kind: 'authorize' });
        return sendJson(res, 500, { error: 'authorization check failed' });
      }
      if (!verdict.ok) return sendJson(res, verdict.status ?? 403, { error: verdict.error ?? 'not authorized' });
    }
    if (limiter) {
      const wait = limiter.take(tokens?.key(batch) ?? `addr:${req.socket.remoteAddress ?? ''}`);
      if (wait > 0) {
        res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
        return sendJson(res, 429, { error: 'too many feedback batches; retry later' });
      }
    }
    const perUpdate = [tokens?.authorizeUpdate, options.authorizeUpdate].filter(
      (f): f is NonNullable<typeof f> => typeof f === 'function',
    );

    const results: UpdateResult[] = new Array(batch.updates.length);
    const chains = new Map<string, Array<{ index: number; update: FeedbackUpdate }>>();
    batch.updates.forEach((raw, index) => {
      const checked = checkUpdate(raw);
      if (!checked.ok) {
        results[index] = checked.result;
        return;
      }
      for (const check of perUpdate) {
        const verdict = check(checked.update, batch, req);
        if (!verdict.ok) {
          results[index] = { id: checked.update.id, status: verdict.status ?? 403, error: verdict.error ?? 'not authorized' };
          return;
        }
      }
      const eventKey = checked.update.event_id.toLowerCase();
      const chain = chains.get(eventKey);
      if (chain) chain.push({ index, update: checked.update });
      else chains.set(eventKey, [{ index, update: checked.update }]);
    });
    await Promise.all([...chains].map(([eventKey, items]) => eventLock.run(eventKey, () => applyChain(items, results))));
    const response: BatchResponse = { results };
    sendJson(res, 200, response);
  }

  return (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (path !== null && url.pathname !== path) {
      if (next) return next();
      req.resume();
      return sendJson(res, 404, { error: 'not found' });
    }
    const decision = decideOrigin(req, options);
    setCorsHeaders(res, decision, options);
    if (!decision.allowed) {
      req.resume();
      return sendJson(res, 403, { error: `origin ${decision.origin} is not allowed` });
    }
    if (req.method === 'OPTIONS') {
      req.resume();
      return answerPreflight(res);
    }
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('Allow', 'POST, OPTIONS');
      return sendJson(res, 405, { error: 'use POST' });
    }
    handleBatch(req, res).catch((error) => {
      report(error, { kind: 'internal' });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  };
}

type BodyResult = { ok: true; value: unknown } | { ok: false; status: number; error: string };

/** Reads and parses the JSON body, whether sent as application/json or text/plain. */
async function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== '' && type !== 'application/json' && type !== 'text/plain') {
    req.resume();
    return { ok: false, status: 415, error: 'send the batch as application/json or text/plain' };
  }
  // A body parser (express.json/express.text) may have consumed the stream already.
  const preParsed = (req as IncomingMessage & { body?: unknown }).body;
  if (preParsed !== undefined && req.readableEnded) {
    if (typeof preParsed === 'string' || Buffer.isBuffer(preParsed)) return parseJson(preParsed.toString(), limit);
    return { ok: true, value: preParsed };
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return { ok: false, status: 413, error: `body larger than ${limit} bytes` };
  }
  // Event listeners rather than for-await: leaving a for-await loop early
  // destroys the request, and with it the socket the 413 must go out on.
  return new Promise<BodyResult>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) resolve({ ok: false, status: 413, error: `body larger than ${limit} bytes` });
      else resolve(parseJson(Buffer.concat(chunks).toString('utf8'), limit));
    });
    req.on('error', () => resolve({ ok: false, status: 400, error: 'request body could not be read' }));
  });
}

function parseJson(text: string, limit: number): BodyResult {
  if (Buffer.byteLength(text) > limit) return { ok: false, status: 413, error: `body larger than ${limit} bytes` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, error: 'body is not valid JSON' };
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.setHeader('Cache-Control', 'no-store');
  if (close) res.setHeader('Connection', 'close');
  res.end(text);
}

export interface ProxyServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** A standalone HTTP server around createProxyHandler (demos, tests, small deployments). */
export async function startProxyServer(options: ProxyOptions & { port?: number; host?: string }): Promise<ProxyServer> {
  const handler = createProxyHandler(options);
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
