// ProxyStore on Redis, so several proxy instances act as one: each atomic
// step is one Lua script (EVALSHA, loaded on first NOSCRIPT). A Redis outage
// surfaces as StoreUnavailableError within `commandTimeoutMs`; the proxy then
// answers 503 + Retry-After and the page keeps its updates.
import { MAX_STREAMS_PER_EVENT, type ClaimState, type ProxyStore, type StoredResult } from './store.js';

/**
 * The few node-redis (v4+) client methods used; any compatible client works.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client = createClient({ url: process.env.REDIS_URL });
 * await client.connect();
 * const store = createRedisStore({ client });
 * ```
 */
export interface RedisLikeClient {
  sendCommand(args: string[]): Promise<unknown>;
  connect?(): Promise<unknown>;
  quit?(): Promise<unknown>;
  close?(): Promise<unknown>;
  destroy?(): void;
  on?(event: 'error', listener: (error: unknown) => void): unknown;
  isOpen?: boolean;
}

/**
 * Options of {@link createRedisStore}: `url` or `client`, and its key prefix, record lifetime and timeout.
 *
 * @example
 * ```ts
 * createRedisStore({ url: 'redis://127.0.0.1:6379', prefix: 'myapp:tf:', commandTimeoutMs: 500 });
 * ```
 */
export interface RedisStoreOptions {
  /** redis://host:port; the store creates (and owns) a node-redis client. */
  url?: string;
  /** An existing client (not closed by the store). */
  client?: RedisLikeClient;
  /** Key prefix; default 'tf:'. */
  prefix?: string;
  /** Applied-update records kept this long. Default 24 h. */
  recordTtlMs?: number;
  /** Clients (update-id streams) whose order is kept per event; see MemoryStoreOptions. Default 1000. */
  maxStreamsPerEvent?: number;
  /** A command slower than this counts as an outage. Default 1000 ms. */
  commandTimeoutMs?: number;
  /** Told about connection errors (the client's 'error' events). */
  onError?: (error: unknown) => void;
}

/**
 * Thrown by the Redis store's steps when Redis does not answer in time; the proxy answers 503
 * `store_unavailable` with Retry-After and the page keeps its updates.
 *
 * @example
 * ```ts
 * store.claim(key, 1000).catch((e) => e instanceof StoreUnavailableError); // true while Redis is down
 * ```
 */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`proxy store unavailable: ${String((cause as Error)?.message ?? cause)}`);
    this.name = 'StoreUnavailableError';
  }
}

// KEYS[1] record key; ARGV[1] lease ms. 'fresh' sets a lease; a done record is a duplicate.
const CLAIM = `local v = redis.call('GET', KEYS[1])
if v == 'done' then return 'duplicate' end
if v then return 'in_progress' end
redis.call('SET', KEYS[1], 'claimed', 'PX', ARGV[1])
return 'fresh'`;
// CLAIM then ADVANCE, atomically. KEYS[1] record, KEYS[2] order hash;
// ARGV[1] lease ms, ARGV[2] stream, ARGV[3] seq, ARGV[4] ttl ms, ARGV[5] max streams.
// A hash that reached max streams (only a flood of made-up update ids gets
// there) is reset rather than grown: Redis < 6.2 has no HRANDFIELD to drop one.
const CLAIM_IN_ORDER = `local v = redis.call('GET', KEYS[1])
if v == 'done' then return 'duplicate' end
if v then return 'in_progress' end
local cur = redis.call('HGET', KEYS[2], ARGV[2])
if cur and (string.len(cur) > string.len(ARGV[3]) or (string.len(cur) == string.len(ARGV[3]) and cur > ARGV[3])) then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[4])
  return 'stale'
end
if not cur and redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[5]) then redis.call('DEL', KEYS[2]) end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('SET', KEYS[1], 'claimed', 'PX', ARGV[1])
return 'fresh'`;
// KEYS[1] record key; ARGV[1] ttl ms.
const COMPLETE = `redis.call('SET', KEYS[1], 'done', 'PX', ARGV[1]) return 1`;
const RELEASE = `if redis.call('GET', KEYS[1]) == 'claimed' then redis.call('DEL', KEYS[1]) end return 1`;
// KEYS[1] event order hash; ARGV[1] stream; ARGV[2] seq (decimal, no leading zeros); ARGV[3] ttl ms;
// ARGV[4] max streams (as CLAIM_IN_ORDER).
const ADVANCE = `local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and (string.len(cur) > string.len(ARGV[2]) or (string.len(cur) == string.len(ARGV[2]) and cur > ARGV[2])) then return 0 end
if not cur and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then redis.call('DEL', KEYS[1]) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;
// KEYS[1] counter; ARGV[1] cost; ARGV[2] limit; ARGV[3] window ms. Fixed window.
const HIT = `local n = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) ttl = tonumber(ARGV[3]) end
if n <= tonumber(ARGV[2]) then return 0 end
return ttl`;

async function sha1(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A ProxyStore on Redis (`url` or an existing `client`).
 *
 * @example
 * ```ts
 * const store = createRedisStore({ url: process.env.REDIS_URL }); // npm i redis
 * const feedback = createProxyHandler({ apiKey: process.env.HH_API_KEY!, store, trustProxy: 1 });
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): ProxyStore {
  if (!options || (typeof options.url !== 'string' && !options.client)) {
    throw new TypeError('createRedisStore: pass { url } or { client }');
  }
  const prefix = options.prefix ?? 'tf:';
  const recordTtl = options.recordTtlMs ?? 24 * 60 * 60 * 1000;
  const timeout = options.commandTimeoutMs ?? 1000;
  const maxStreams = Math.max(1, options.maxStreamsPerEvent ?? MAX_STREAMS_PER_EVENT);
  const report = (e: unknown) => {
    try {
      options.onError?.(e);
    } catch {
      // the hook's own failure must not surface as an unhandled 'error' event
    }
  };
  const owned = !options.client;
  let client: RedisLikeClient | undefined = options.client;
  client?.on?.('error', report);
  let connecting: Promise<RedisLikeClient> | undefined;

  async function open(): Promise<RedisLikeClient> {
    if (client) return client;
    if (!connecting) {
      connecting = (async () => {
        // Imported on demand: `redis` is the app's dependency, only needed with { url }.
        const { createClient } = (await import('redis')) as unknown as {
          createClient(o: unknown): RedisLikeClient & { connect(): Promise<unknown> };
        };
        const c = createClient({
          url: options.url,
          // Fail fast while Redis is down instead of queueing commands for later.
          disableOfflineQueue: true,
          socket: { connectTimeout: timeout, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) },
        });
        c.on?.('error', report);
        await c.connect();
        client = c;
        return c;
      })();
      connecting.catch(() => (connecting = undefined));
    }
    return connecting;
  }

  // Connect now, so the first request does not pay for it (errors surface on use).
  if (owned) open().catch(() => {});
  const shas = new Map<string, string>();
  async function run(script: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout);
    });
    try {
      return await Promise.race([deadline, exec(script, keys, args.map(String))]);
    } catch (e) {
      throw e instanceof StoreUnavailableError ? e : new StoreUnavailableError(e);
    } finally {
      clearTimeout(timer);
    }
  }
  async function exec(script: string, keys: string[], args: string[]): Promise<unknown> {
    const c = await open();
    let sha = shas.get(script);
    if (!sha) shas.set(script, (sha = await sha1(script)));
    try {
      return await c.sendCommand(['EVALSHA', sha, String(keys.length), ...keys, ...args]);
    } catch (e) {
      if (!String((e as Error)?.message ?? e).includes('NOSCRIPT')) throw e;
      return c.sendCommand(['EVAL', script, String(keys.length), ...keys, ...args]);
    }
  }
  const rec = (key: string) => `${prefix}rec:${key}`;

  return {
    async claim(key, leaseMs): Promise<ClaimState> {
      return (await run(CLAIM, [rec(key)], [Math.max(1, Math.ceil(leaseMs))])) as ClaimState;
    },
    async claimInOrder(key, leaseMs, _owner, order) {
      return (await run(CLAIM_IN_ORDER, [rec(key), `${prefix}ord:${order.eventId}`], [Math.max(1, Math.ceil(leaseMs)), order.stream, order.seq, recordTtl, maxStreams])) as ClaimState | 'stale';
    },
    async complete(key, _result: StoredResult) {
      await run(COMPLETE, [rec(key)], [recordTtl]);
    },
    async release(key) {
      await run(RELEASE, [rec(key)], []);
    },
    async advance(eventId, stream, seq) {
      return Number(await run(ADVANCE, [`${prefix}ord:${eventId}`], [stream, seq, recordTtl, maxStreams])) === 1;
    },
    async hit(key, cost, limit, windowMs) {
      return Number(await run(HIT, [`${prefix}rl:${key}`], [cost, limit, windowMs]));
    },
    async eventSession(eventId) {
      const v = await run(`return redis.call('GET', KEYS[1])`, [`${prefix}ev:${eventId}`], []);
      return typeof v === 'string' ? v : undefined;
    },
    async rememberEventSession(eventId, sessionId, ttlMs) {
      await run(`redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1`, [`${prefix}ev:${eventId}`], [sessionId, ttlMs]);
    },
    async close() {
      if (!owned || !client) return;
      const c = client;
      client = undefined;
      try {
        await (c.close ?? c.quit)?.call(c);
      } catch {
        c.destroy?.();
      }
    },
  };
}
