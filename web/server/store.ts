// ProxyStore: the state several proxy instances must share to behave as one.
// (a) idempotency with an atomic claim, (b) per-event order, (c) rate-limit
// counters, (d) the event -> session answers of the existence check.
// Every method is one atomic step (a Lua script in the Redis store).

/**
 * The answer of {@link ProxyStore.claim}: forward it ('fresh'), it was applied ('duplicate'), or someone
 * is forwarding it now ('in_progress').
 *
 * @example
 * ```ts
 * const state: ClaimState = await store.claim(key, 15_000);
 * ```
 */
export type ClaimState = 'fresh' | 'duplicate' | 'in_progress';

/**
 * What {@link ProxyStore.complete} records of an applied update.
 *
 * @example
 * ```ts
 * await store.complete(key, { status: 200 } satisfies StoredResult);
 * ```
 */
export interface StoredResult {
  status: number;
}

/**
 * The state several proxy instances share: idempotency, per-event order, rate-limit counters and the
 * event → session cache. Every method is one atomic step. Implemented by {@link createMemoryStore} and
 * {@link createRedisStore}; pass your own as `createProxyHandler({ store })`.
 *
 * @example
 * ```ts
 * const store: ProxyStore = createRedisStore({ url: process.env.REDIS_URL });
 * if ((await store.claim('event update-id', 15_000, 'sid:…')) === 'fresh') { await forward(); await store.complete('event update-id', { status: 200 }); }
 * ```
 */
export interface ProxyStore {
  /**
   * Claims an update key for `leaseMs`: 'fresh' (the caller forwards it and
   * then calls complete or release), 'duplicate' (applied before),
   * 'in_progress' (another request or instance holds the lease).
   * `owner` (token session, else client address) scopes memory quotas.
   */
  claim(key: string, leaseMs: number, owner?: string): Promise<ClaimState>;
  /** Records the update as applied (kept `recordTtlMs`, default 24 h). */
  complete(key: string, result: StoredResult, owner?: string): Promise<void>;
  /** Gives the claim up (the forward failed; a retry may claim it fresh). */
  release(key: string, owner?: string): Promise<void>;
  /**
   * Per-event order: records `seq` for (eventId, stream) unless a larger one
   * was recorded; false means this update is older than one already sent.
   */
  advance(eventId: string, stream: string, seq: string): Promise<boolean>;
  /**
   * Adds `cost` to the counter `key` of the current window of `windowMs`;
   * returns 0 when the total stays within `limit`, else ms until the window ends.
   */
  hit(key: string, cost: number, limit: number, windowMs: number): Promise<number>;
  /**
   * Optional: claim and advance in one atomic step (one round trip), with
   * 'stale' when the claim was fresh but a newer update of the stream was
   * already sent (the key is then recorded as done). Used when present.
   */
  claimInOrder?(key: string, leaseMs: number, owner: string | undefined, order: { eventId: string; stream: string; seq: string }): Promise<ClaimState | 'stale'>;
  /** Cached answer of the existence check: the event's session id. */
  eventSession(eventId: string): Promise<string | undefined>;
  rememberEventSession(eventId: string, sessionId: string, ttlMs: number): Promise<void>;
  close?(): Promise<void>;
}

/**
 * Options of {@link createMemoryStore}: the caps that bound its memory.
 *
 * @example
 * ```ts
 * createProxyHandler({ apiKey, store: createMemoryStore({ maxRecordsPerOwner: 500, maxRecords: 50_000 }) });
 * ```
 */
export interface MemoryStoreOptions {
  /** Idempotency records kept per owner (client); its own oldest go first. Default 2000. */
  maxRecordsPerOwner?: number;
  /** Owners kept; the least recently active owner's records go first. Default 10 000. */
  maxOwners?: number;
  /**
   * Records kept in all; beyond it the least recently active owner's oldest
   * record goes. Default 200 000. Without it the bound was maxOwners ×
   * maxRecordsPerOwner (20 million records, gigabytes) for a client with many
   * addresses or sessions; one client alone still evicts only its own records.
   */
  maxRecords?: number;
  /** How long an applied update is remembered. Default 24 h (longer than any client retry window). */
  recordTtlMs?: number;
  /** Events whose order / session is remembered. Default 100 000. */
  maxEvents?: number;
  /**
   * Clients (update-id streams) whose order is remembered per event; beyond
   * it the least recently seen stream of that event is forgotten. Default 1000.
   * Without a cap, a batch of 100 updates with fresh id prefixes for one event
   * grew that event's entry by 100, for ever.
   */
  maxStreamsPerEvent?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Record_ {
  state: 'claimed' | 'done';
  expires: number;
}

/** Streams remembered per event by default (both stores). */
export const MAX_STREAMS_PER_EVENT = 1000;

/** Map with insertion order as LRU order, capped. */
class Lru<V> {
  readonly map = new Map<string, V>();
  constructor(
    private readonly max: number,
    private readonly onEvict?: (key: string, value: V) => void,
  ) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) {
      const [k, v] = this.map.entries().next().value as [string, V];
      this.map.delete(k);
      this.onEvict?.(k, v);
    }
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

/**
 * The embedded default, right for one process. Records are kept per owner,
 * so one client posting junk ids only evicts its own records.
 *
 * @example
 * ```ts
 * const feedback = createProxyHandler({ apiKey: process.env.HH_API_KEY!, store: createMemoryStore() }); // the default
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): ProxyStore {
  const perOwner = Math.max(1, options.maxRecordsPerOwner ?? 2000);
  // Which owner holds a key's record: a retry from another address (a phone
  // changing networks) still finds it, while eviction stays per owner.
  const holder = new Map<string, string>();
  const maxRecords = Math.max(1, options.maxRecords ?? 200_000);
  let total = 0; // records held across owners
  const forget = (owner: string) => (key: string) => {
    total -= 1;
    if (holder.get(key) === owner) holder.delete(key);
  };
  const owners = new Lru<Lru<Record_>>(Math.max(1, options.maxOwners ?? 10_000), (_owner, r) => {
    total -= r.map.size;
    for (const key of r.map.keys()) holder.delete(key);
  });
  /** Drops `key` from `owner`'s records, if there. */
  const drop = (owner: string, key: string) => {
    const r = owners.map.get(owner);
    if (!r?.map.has(key)) return;
    r.delete(key);
    total -= 1;
    if (holder.get(key) === owner) holder.delete(key);
    if (r.map.size === 0) owners.delete(owner);
  };
  /** Over the global cap: the least recently active owner's oldest record goes. */
  const trim = () => {
    while (total > maxRecords) {
      const first = owners.map.entries().next().value as [string, Lru<Record_>] | undefined;
      if (!first) return;
      const [o, r] = first;
      const oldest = r.map.keys().next().value as string | undefined;
      if (oldest === undefined) owners.delete(o);
      else drop(o, oldest);
    }
  };
  const ttl = options.recordTtlMs ?? 24 * 60 * 60 * 1000;
  const now = options.now ?? Date.now;
  const order = new Lru<Map<string, string>>(options.maxEvents ?? 100_000);
  const maxStreams = Math.max(1, options.maxStreamsPerEvent ?? MAX_STREAMS_PER_EVENT);
  const sessions = new Lru<{ sid: string; expires: number }>(options.maxEvents ?? 100_000);
  const counters = new Lru<{ window: number; count: number }>(100_000);

  const records = (owner: string) => {
    let r = owners.get(owner);
    if (!r) owners.set(owner, (r = new Lru<Record_>(perOwner, forget(owner))));
    return r;
  };
  /** The record wherever it is held, and the owner holding it. */
  const find = (key: string): [Record_ | undefined, string | undefined] => {
    const o = holder.get(key);
    return o === undefined ? [undefined, undefined] : [owners.map.get(o)?.map.get(key), o];
  };
  const put = (key: string, owner: string, rec: Record_) => {
    const [, prior] = find(key);
    if (prior !== undefined && prior !== owner) drop(prior, key);
    const mine = records(owner);
    const had = mine.map.has(key);
    mine.set(key, rec); // may evict this owner's oldest (forget: total - 1)
    if (!had) total += 1;
    holder.set(key, owner);
    trim();
  };
  return {
    async claim(key, leaseMs, owner = '') {
      const t = now();
      const [rec] = find(key);
      if (rec && rec.expires > t) return rec.state === 'done' ? 'duplicate' : 'in_progress';
      put(key, owner, { state: 'claimed', expires: t + leaseMs });
      return 'fresh';
    },
    async complete(key, _result, owner = '') {
      put(key, owner, { state: 'done', expires: now() + ttl });
    },
    async release(key) {
      const [rec, o] = find(key);
      if (rec?.state === 'claimed' && o !== undefined) drop(o, key);
    },
    async advance(eventId, stream, seq) {
      let m = order.get(eventId);
      if (!m) order.set(eventId, (m = new Map()));
      const cur = m.get(stream);
      if (cur !== undefined && (cur.length > seq.length || (cur.length === seq.length && cur > seq))) return false;
      m.delete(stream); // insertion order = recency: the least recently seen stream goes first
      m.set(stream, seq);
      while (m.size > maxStreams) m.delete(m.keys().next().value as string);
      return true;
    },
    async hit(key, cost, limit, windowMs) {
      const t = now();
      const window = Math.floor(t / windowMs);
      let c = counters.get(key);
      if (!c || c.window !== window) counters.set(key, (c = { window, count: 0 }));
      c.count += cost;
      return c.count <= limit ? 0 : (window + 1) * windowMs - t;
    },
    async eventSession(eventId) {
      const s = sessions.get(eventId);
      return s && s.expires > now() ? s.sid : undefined;
    },
    async rememberEventSession(eventId, sessionId, ttlMs) {
      sessions.set(eventId, { sid: sessionId, expires: now() + ttlMs });
    },
  };
}
