// Remembers which updates were applied so a retry after a lost response is
// answered from memory instead of being forwarded again. Re-sending the same
// feedback is harmless on its own (the merge is idempotent), but not after a
// later update to the same event: the replay would overwrite the newer value.

import type { UpdateResult } from './batch.js';

/**
 * Pluggable store (e.g. Redis) for deployments with several proxy processes.
 * Keys are opaque strings; only 2xx results are ever stored.
 */
export interface IdempotencyStore {
  get(key: string): UpdateResult | undefined | Promise<UpdateResult | undefined>;
  set(key: string, result: UpdateResult): void | Promise<void>;
}

export interface MemoryIdempotencyOptions {
  /** Entries kept at most; the least recently used go first. Default 10 000. */
  maxEntries?: number;
  /** How long an entry is trusted. Default 24 h (longer than any client retry window). */
  ttlMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** In-process LRU with a TTL: right for a single proxy process. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { result: UpdateResult; expires: number }>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: MemoryIdempotencyOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): UpdateResult | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Map keeps insertion order: re-inserting marks the entry most recent.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.result;
  }

  set(key: string, result: UpdateResult): void {
    this.entries.delete(key);
    this.entries.set(key, { result, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

/** Key of one update: the id is only unique per client, so scope it by event. */
export function idempotencyKey(eventId: string, updateId: string): string {
  return `${eventId.toLowerCase()} ${updateId}`;
}
