// Token buckets per key (a session from the feedback token, else the client
// address): a page cannot flood the proxy, and through it, HoneyHive.
export interface RateLimitOptions {
  /** Batches per minute, sustained. */
  perMinute: number;
  /** Extra batches allowed in a burst; default perMinute / 4 (at least 1). */
  burst?: number;
  /** Buckets kept at most (least recently used are dropped). Default 10,000. */
  maxKeys?: number;
}

export class RateLimiter {
  readonly #rate: number; // tokens per ms
  readonly #capacity: number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: RateLimitOptions) {
    if (!(options.perMinute > 0)) throw new TypeError('rateLimit.perMinute must be positive');
    this.#rate = options.perMinute / 60000;
    this.#capacity = Math.max(1, options.burst ?? Math.ceil(options.perMinute / 4));
    this.#maxKeys = options.maxKeys ?? 10000;
  }

  /** 0 when allowed now, else the milliseconds until the next batch may pass. */
  take(key: string, now = Date.now()): number {
    let b = this.#buckets.get(key);
    if (b) this.#buckets.delete(key);
    else b = { tokens: this.#capacity, at: now };
    b.tokens = Math.min(this.#capacity, b.tokens + (now - b.at) * this.#rate);
    b.at = now;
    this.#buckets.set(key, b); // re-insert: Map order is our LRU order
    if (this.#buckets.size > this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / this.#rate);
  }
}
