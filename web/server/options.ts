// The proxy's options: one list of names, checked at creation so a typo
// (`serverURL`, `apikey`) fails loudly instead of sending the real key to the
// production URL. Web-standard only: this file is on the fetch handler's path.
import type { FeedbackLimits } from '../validate/index.js';
import type { ProxyStore } from './store.js';
import type { FeedbackBatch, FeedbackUpdate } from './batch.js';
import type { TokenPolicyOptions } from './token.js';

/**
 * What the `authorize` and `authorizeUpdate` hooks return.
 *
 * @example
 * ```ts
 * createProxyHandler({ apiKey, authorize: async (req) => (await isSignedIn(req)) ? { ok: true } : { ok: false, status: 401, code: 'signed_out' } });
 * ```
 */
export type AuthorizeResult = { ok: true } | { ok: false; status?: number; error?: string; code?: string };

/**
 * What `onError(error, context)` is told with each failure: its kind, and the event, update and upstream
 * status when there were some.
 *
 * @example
 * ```ts
 * createProxyHandler({ apiKey, onError: (error, { kind, eventId, status }) => log.warn({ kind, eventId, status }, String(error)) });
 * ```
 */
export interface ProxyErrorContext {
  kind: 'network' | 'timeout' | 'upstream' | 'credentials' | 'store' | 'authorize' | 'internal' | 'validator';
  eventId?: string;
  updateId?: string;
  /** Upstream status, when there was one. */
  status?: number;
}

/**
 * The `rateLimit` option: updates and requests per minute per client.
 *
 * @example
 * ```ts
 * createProxyHandler({ apiKey, rateLimit: { perMinute: 120, requestsPerMinute: 30 } });
 * ```
 */
export interface RateLimitOptions {
  /** Updates per minute per client (token session, else address). */
  perMinute: number;
  /** Requests (batches) per minute per client; default perMinute. Requests refused for a bad token count too, per address. */
  requestsPerMinute?: number;
}

/** The request as the hooks see it: IncomingMessage in Node, Request in the fetch handler. */
export type HookRequest = unknown;

/**
 * Options of `createProxyHandler`, `startProxyServer` and `createFetchHandler` (an unknown key is a
 * TypeError naming the closest known one). See the README's option table.
 *
 * @example
 * ```ts
 * const options: ProxyOptions = { apiKey: process.env.HH_API_KEY!, allowedOrigins: ['https://app.example.com'], feedbackTokens: { secret: process.env.FEEDBACK_SECRET! } };
 * ```
 */
export interface ProxyOptions {
  /** HoneyHive project API key, from the server's environment. Required. */
  apiKey: string;
  /** HoneyHive base URL; default https://api.dp1.us.honeyhive.ai (the client's option has the same name). */
  serverUrl?: string;
  /** @deprecated use `serverUrl`. */
  honeyhiveUrl?: string;
  /** Use the deprecated `PUT /events` (event_id in the body), as HoneyHive's own SDKs still do. */
  legacy?: boolean;
  /** Path this handler answers; default '/feedback'; null answers every path. */
  path?: string | null;
  /** Cross-origin pages allowed to post; same-origin requests always pass. */
  allowedOrigins?: readonly string[];
  /** Send Access-Control-Allow-Credentials for allowed origins. */
  allowCredentials?: boolean;
  /** Request headers a cross-origin page may send (the client's `headers` option); Content-Type always. */
  allowedHeaders?: readonly string[];
  /** Default 256 KiB; larger bodies get 413 while streaming. */
  maxBodyBytes?: number;
  /** Default 100; more updates in one batch get 413. */
  maxUpdatesPerBatch?: number;
  /** Upstream calls in flight at once, across all clients. Default 256. */
  concurrency?: number;
  /** Upstream calls in flight at once for one client (token session, else address). Default 16. */
  perClientConcurrency?: number;
  /** Upstream calls waiting for a slot, across all clients; beyond it updates get 503 `overloaded`. Default 10 000. */
  maxQueuedCalls?: number;
  /** Per upstream call. Default 10 000 ms; a timeout answers 504 `upstream_timeout` for that update. */
  timeoutMs?: number;
  /** Whole request (headers and body) must arrive within this; else 408 and close. Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** A body slower than this on average (after 1 s) is answered 408 and closed. Default 1024 bytes/s. */
  minBodyBytesPerSecond?: number;
  /** Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Shared state: idempotency, per-event order, rate limits, event -> session cache. Default createMemoryStore(). */
  store?: ProxyStore;
  /** Feedback caps checked by the wasm core, as the page's `limits`. */
  limits?: FeedbackLimits;
  /** Told about upstream outages and texts, refused credentials, store and hook failures. */
  onError?: (error: unknown, context: ProxyErrorContext) => void;
  /** Decides whether this request may post this batch (e.g. checks batch.token). */
  authorize?: (req: HookRequest, batch: FeedbackBatch) => AuthorizeResult | Promise<AuthorizeResult>;
  /** Decides per update (after `authorize`); a refusal answers that update only. */
  authorizeUpdate?: (update: FeedbackUpdate, batch: FeedbackBatch, req: HookRequest) => AuthorizeResult;
  /** Require signed feedback tokens (see token.ts). */
  feedbackTokens?: TokenPolicyOptions;
  /** Updates and requests per minute per client; excess gets 429 + Retry-After. */
  rateLimit?: RateLimitOptions;
  /** Reverse proxies in front of this one whose X-Forwarded-For entries are trusted. Default 0 (header ignored). */
  trustProxy?: number;
  /** Silences the start-up warning about running without feedbackTokens. */
  allowUnsigned?: boolean;
  /** Where the warning goes; default console.warn. */
  warn?: (message: string) => void;
  /** The core's .wasm bytes (edge runtimes without a file system). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to fetch the core's .wasm from. */
  wasmUrl?: string | URL;
  /** The core compiled already (Cloudflare Workers import .wasm as a WebAssembly.Module and cannot compile bytes). */
  wasmModule?: WebAssembly.Module;
}

/**
 * HoneyHive's API, used when neither `serverUrl` nor `honeyhiveUrl` is given.
 *
 * @example
 * ```ts
 * createProxyHandler({ apiKey, serverUrl: DEFAULT_SERVER_URL }); // the same as leaving it out
 * ```
 */
export const DEFAULT_SERVER_URL = 'https://api.dp1.us.honeyhive.ai';

const KNOWN = [
  'apiKey', 'serverUrl', 'honeyhiveUrl', 'legacy', 'path', 'allowedOrigins', 'allowCredentials', 'allowedHeaders',
  'maxBodyBytes', 'maxUpdatesPerBatch', 'concurrency', 'perClientConcurrency', 'maxQueuedCalls', 'timeoutMs',
  'requestTimeoutMs', 'minBodyBytesPerSecond', 'fetch', 'store', 'limits', 'onError', 'authorize', 'authorizeUpdate',
  'feedbackTokens', 'rateLimit', 'trustProxy', 'allowUnsigned', 'warn', 'wasmBinary', 'wasmUrl', 'wasmModule',
] as const;

function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = keep;
    }
  }
  return row[b.length];
}

export function closest(name: string, known: readonly string[]): string {
  let best = known[0];
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

/** Throws TypeError for an unknown key (naming the closest known one) or a missing apiKey. */
export function checkOptions(options: unknown, where: string, extra: readonly string[] = []): asserts options is ProxyOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options object required`);
  const known = [...KNOWN, ...extra];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${where}: unknown option "${key}" (did you mean "${closest(key, known)}"?)`);
    }
  }
  const o = options as ProxyOptions;
  if (typeof o.apiKey !== 'string' || o.apiKey === '') {
    throw new TypeError(`${where}: apiKey is required (read it from the server environment)`);
  }
  for (const name of ['serverUrl', 'honeyhiveUrl'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'string') throw new TypeError(`${where}: ${name} must be a string URL`);
  }
  if (o.serverUrl !== undefined && o.honeyhiveUrl !== undefined && o.serverUrl !== o.honeyhiveUrl) {
    throw new TypeError(`${where}: serverUrl and its deprecated alias honeyhiveUrl disagree; pass serverUrl only`);
  }
  const nested: Array<[string, unknown, readonly string[]]> = [
    ['rateLimit', o.rateLimit, ['perMinute', 'requestsPerMinute']],
    ['feedbackTokens', o.feedbackTokens, ['secret', 'allowUnlistedEvents', 'eventSessionTtlMs', 'now']],
  ];
  for (const [name, value, keys] of nested) {
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null) throw new TypeError(`${where}: ${name} must be an object`);
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) throw new TypeError(`${where}: unknown option "${name}.${key}" (did you mean "${name}.${closest(key, keys)}"?)`);
    }
  }
  if (o.wasmModule !== undefined && !(typeof WebAssembly === 'object' && o.wasmModule instanceof WebAssembly.Module)) {
    throw new TypeError(`${where}: wasmModule must be a WebAssembly.Module (for the .wasm bytes, use wasmBinary)`);
  }
  if (o.rateLimit && !(o.rateLimit.perMinute > 0)) throw new TypeError(`${where}: rateLimit.perMinute must be positive`);
  const tp = o.trustProxy;
  if (tp !== undefined && !(Number.isInteger(tp) && tp >= 0)) throw new TypeError(`${where}: trustProxy must be a non-negative integer`);
}

/** The warning (once per handler, at creation) for a proxy anyone can write through. */
export function warnUnsigned(o: ProxyOptions): void {
  if (o.feedbackTokens || o.allowUnsigned || o.authorize) return;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NODE_ENV;
  if (env === 'development' || env === 'test') return;
  (o.warn ?? ((m: string) => console.warn(m)))(
    'trace-feedback proxy: running without feedbackTokens, so anyone who knows an event id can write feedback onto it. ' +
      'Pass feedbackTokens: { secret } (or allowUnsigned: true to silence this).',
  );
}
