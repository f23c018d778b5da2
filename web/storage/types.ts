// Public types of the queue store: what the client passes in and gets back.
// Kept apart from the implementation so index.ts re-exports types only.

/** Where slots live. 'auto' means indexeddb, else localstorage, else memory. */
export type StoreKind = 'indexeddb' | 'localstorage' | 'memory';

export type StorageWarningCode = 'storage_unavailable' | 'storage_quota' | 'storage_error' | 'storage_fallback';

/** A storage problem turned into data; each code is reported once per store. */
export interface StorageWarning {
  /**
   * storage_fallback: the preferred kind could not be opened, a weaker one is in use.
   * storage_unavailable: no persistent storage works; the queue lives in memory only.
   * storage_quota: a write hit the quota (the write went to the next layer down).
   * storage_error: any other failed read, write or lock.
   */
  code: StorageWarningCode;
  message: string;
  /** The kind involved: the failing layer, or the kind now in use for fallbacks. */
  kind: StoreKind;
  /** True when a snapshot reached no persistent layer at all (kept in memory only). */
  dropped?: boolean;
}

export interface QueueStoreOptions {
  /** Default 'auto'. A named kind still falls back (with a warning) when unusable. */
  kind?: StoreKind | 'auto';
  /** Prefix of every key, database and lock name; default 'trace-feedback'. */
  namespace?: string;
  onWarning?: (warning: StorageWarning) => void;
  /** Quiet time before a saveSoon write runs; default 250 ms. */
  saveDelayMs?: number;
  /** Longest a saveSoon write is put off while changes keep coming; default 2000 ms. */
  maxSaveDelayMs?: number;
  /** Heartbeat period when Web Locks are missing; default 5000 ms. */
  heartbeatMs?: number;
  /**
   * Heartbeat age after which a slot counts as abandoned (no Web Locks only).
   * Default 150000 ms: background tabs may run timers only once a minute.
   */
  staleAfterMs?: number;
}

/** A slot whose page is gone, claimed by this store until release(key). */
export interface AdoptableSlot {
  key: string;
  snapshot: string;
}

export interface QueueStore {
  /** The kind in use; may move down (e.g. to 'localstorage') after write failures. */
  readonly kind: StoreKind;
  /** How slot ownership is decided: Web Locks, or heartbeats when those are missing. */
  readonly ownership: 'locks' | 'heartbeat';
  /** This page load's slot key, `<namespace>:queue:<uuid>`. */
  readonly key: string;
  /** Claims slots of pages that are gone; call again later to pick up more. */
  adoptable(): Promise<AdoptableSlot[]>;
  /** Writes the own slot now. True when it reached persistent storage (or the store is memory-only). */
  save(snapshot: string): Promise<boolean>;
  /** Coalesced save: one write per burst of changes; getSnapshot runs when the write does. */
  saveSoon(getSnapshot: () => string): void;
  /** For pagehide: writes synchronously where possible (localStorage), starts the async write too. */
  saveNow(snapshot: string): void;
  /** Deletes an adopted slot and lets go of its claim; call after the own save succeeded. */
  release(key: string): Promise<void>;
  /** Deletes the own slot (empty queue), so no later page adopts an empty slot. */
  clearOwn(): Promise<void>;
  /** Flushes a pending saveSoon, lets go of every lock; the own slot stays for the next load. */
  close(): Promise<void>;
}
