// The QueueStore: the own slot's writes (coalesced, falling down the layers
// on failure, mirrored synchronously at pagehide) and adoption of slots whose
// page is gone. Every method resolves; failures become warnings.
import { background } from '../timers.js';
import { newest, type Entry } from './entry.js';
import { describe, isQuotaError, type Layer } from './layer.js';
import type { Ownership } from './ownership.js';
import type { AdoptableSlot, QueueStore, StorageWarning, StoreKind } from './types.js';

export interface StoreSettings {
  namespace: string;
  saveDelayMs: number;
  maxSaveDelayMs: number;
  warn: (w: StorageWarning) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SlotStore implements QueueStore {
  private seq = 0;
  private current: Layer;
  /** Highest seq of the own slot known to sit in each layer (to delete stale copies). */
  private readonly copies = new Map<Layer, number>();
  private readonly claimed = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;
  // saveSoon state: the latest getter, when the burst began, the last call.
  private getSnapshot: (() => string) | undefined;
  private burstStart = 0;
  private lastCall = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private soonWrite: Promise<unknown> | undefined;

  constructor(
    private readonly settings: StoreSettings,
    /** Most preferred first; the last is always memory, which cannot fail. */
    private readonly layers: Layer[],
    private readonly owner: Ownership,
    readonly key: string,
  ) {
    this.current = layers[0]!;
  }

  get kind(): StoreKind {
    return this.current.kind;
  }

  get ownership(): 'locks' | 'heartbeat' {
    return this.owner.mode;
  }

  async adoptable(): Promise<AdoptableSlot[]> {
    if (this.closed) return [];
    const prefix = `${this.settings.namespace}:queue:`;
    const keys = new Set<string>();
    for (const layer of this.layers) {
      try {
        for (const k of await layer.keys(prefix)) keys.add(k);
      } catch (e) {
        this.fail(layer, e, 'listing slots');
      }
    }
    const out: AdoptableSlot[] = [];
    for (const key of keys) {
      // The suffix check keeps namespace "a" from reading "a:queue:x:queue:<id>".
      if (key === this.key || this.claimed.has(key) || !UUID.test(key.slice(prefix.length))) continue;
      this.claimed.add(key);
      let entry: Entry | undefined;
      try {
        if (!(await this.owner.claim(key))) {
          this.claimed.delete(key);
          continue;
        }
        entry = await this.readNewest(key);
      } catch (e) {
        this.warn('storage_error', `claiming ${key} failed (${describe(e)})`, this.current.kind);
      }
      if (entry && !this.closed) {
        out.push({ key, snapshot: entry.data });
        continue;
      }
      // Released by its adopter between our listing and our claim, or in a
      // format this version cannot read (left for a page that can).
      this.claimed.delete(key);
      await this.owner.drop(key).catch(() => {});
    }
    return out;
  }

  save(snapshot: string): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    // The caller's snapshot is at least as new as anything a pending saveSoon would write.
    this.cancelSoon();
    return this.track(this.writeOwn(snapshot));
  }

  saveSoon(getSnapshot: () => string): void {
    if (this.closed) return;
    const now = Date.now();
    if (!this.getSnapshot) this.burstStart = now;
    this.getSnapshot = getSnapshot;
    this.lastCall = now;
    // One timer per burst, re-armed only when it fires early: a loop of
    // 1,000 changes costs 1,000 assignments, not 1,000 timers.
    if (this.timer === undefined && !this.soonWrite) this.arm(this.delayMs());
  }

  saveNow(snapshot: string): void {
    if (this.closed) return;
    try {
      this.cancelSoon();
      const entry: Entry = { seq: ++this.seq, at: Date.now(), data: snapshot };
      // IndexedDB may not commit before the page is torn down; localStorage
      // writes synchronously. Adoption keeps whichever copy has the higher seq.
      const syncLayer = this.layers.find((l) => l.writeSync && l.persistent) ?? this.layers.find((l) => l.writeSync);
      let synced = false;
      if (syncLayer) {
        try {
          syncLayer.writeSync!(this.key, entry);
          this.landed(syncLayer, entry.seq);
          synced = true;
        } catch (e) {
          this.fail(syncLayer, e, 'the pagehide write');
        }
      }
      // The preferred layer still gets the write (it may well finish), and a
      // failed synchronous write falls down the layers like any other.
      if (!synced || syncLayer !== this.layers[0]) this.track(this.writeEntry(entry));
    } catch (e) {
      this.warn('storage_error', `saveNow failed (${describe(e)})`, this.current.kind);
    }
  }

  async release(key: string): Promise<void> {
    // Only a slot this page claimed: deleting a live page's slot would lose its queue.
    if (!this.claimed.has(key) || this.closed) return;
    // Delete before letting go, so no other page can claim and read it in between.
    await this.removeEverywhere(key);
    this.claimed.delete(key);
    await this.owner.drop(key).catch(() => {});
  }

  async clearOwn(): Promise<void> {
    if (this.closed) return;
    this.cancelSoon();
    await this.settle();
    await this.removeEverywhere(this.key);
    this.copies.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.getSnapshot) {
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = undefined;
        await this.soonWrite;
        await this.flushSoon();
      }
      await this.settle();
    } finally {
      this.closed = true;
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.owner.leave();
      for (const layer of this.layers) layer.close();
    }
  }

  // ---- own slot writes ----

  private writeOwn(snapshot: string): Promise<boolean> {
    return this.writeEntry({ seq: ++this.seq, at: Date.now(), data: snapshot });
  }

  /** Tries each layer in order; true when a persistent one took it (or none exists). */
  private async writeEntry(entry: Entry): Promise<boolean> {
    const failures: [Layer, unknown][] = [];
    for (const layer of this.layers) {
      try {
        await layer.write(this.key, entry);
      } catch (e) {
        failures.push([layer, e]);
        continue;
      }
      const durable = layer.persistent || !this.layers.some((l) => l.persistent);
      for (const [failed, e] of failures) this.fail(failed, e, 'saving the queue', !durable);
      this.current = layer;
      this.landed(layer, entry.seq);
      return durable;
    }
    return false;
  }

  /**
   * Records the copy and deletes older copies of the own slot in layers
   * below this one (a pagehide mirror once IndexedDB has caught up). Copies
   * above are left: the next write there overwrites them, and deleting
   * would cost an extra IndexedDB transaction exactly at pagehide.
   */
  private landed(layer: Layer, seq: number): void {
    this.copies.set(layer, Math.max(seq, this.copies.get(layer) ?? 0));
    const rank = this.layers.indexOf(layer);
    for (const [other, otherSeq] of this.copies) {
      if (this.layers.indexOf(other) <= rank || otherSeq > seq) continue;
      this.copies.delete(other);
      other.remove(this.key).catch(() => {});
    }
  }

  /**
   * How long saveSoon waits for a burst to end. Without a persistent layer
   * that writes synchronously (localStorage blocked, IndexedDB working),
   * saveNow at pagehide cannot make the last changes durable: the async
   * IndexedDB write may never commit. Then every burst is written at once,
   * so at most the changes of the current task are at risk.
   */
  private delayMs(): number {
    const syncPersistent = this.layers.some((l) => l.writeSync && l.persistent);
    return syncPersistent || !this.current.persistent ? this.settings.saveDelayMs : 0;
  }

  private arm(ms: number): void {
    this.timer = background(setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      const quietFor = now - this.lastCall;
      const waited = now - this.burstStart;
      const delay = this.delayMs();
      if (quietFor < delay && waited < this.settings.maxSaveDelayMs) {
        this.arm(Math.min(delay - quietFor, this.settings.maxSaveDelayMs - waited));
        return;
      }
      void this.flushSoon();
    }, ms));
  }

  private async flushSoon(): Promise<void> {
    const get = this.getSnapshot;
    this.getSnapshot = undefined;
    if (!get || this.closed) return;
    let snapshot: string;
    try {
      snapshot = get();
    } catch (e) {
      this.warn('storage_error', `getSnapshot threw (${describe(e)}); nothing saved`, this.current.kind);
      return;
    }
    // One write at a time: changes during a slow multi-MB write are
    // collected into the next one instead of queueing a write each.
    const write = this.track(this.writeOwn(snapshot));
    this.soonWrite = write;
    await write;
    this.soonWrite = undefined;
    if (this.getSnapshot && this.timer === undefined && !this.closed) this.arm(this.settings.saveDelayMs);
  }

  private cancelSoon(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.getSnapshot = undefined;
  }

  // ---- helpers ----

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  private async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async readNewest(key: string): Promise<Entry | undefined> {
    const copies: (Entry | undefined)[] = [];
    for (const layer of this.layers) {
      try {
        copies.push(await layer.read(key));
      } catch (e) {
        this.fail(layer, e, `reading ${key}`);
      }
    }
    return newest(copies);
  }

  private async removeEverywhere(key: string): Promise<void> {
    for (const layer of this.layers) {
      try {
        await layer.remove(key);
      } catch (e) {
        this.fail(layer, e, `deleting ${key}`);
      }
    }
  }

  private fail(layer: Layer, e: unknown, doing: string, dropped?: boolean): void {
    const quota = isQuotaError(e);
    const tail = dropped ? '; kept in memory only, it will not survive a reload' : '';
    const message = `${layer.kind}: ${doing} failed (${describe(e)})${tail}`;
    this.warn(quota ? 'storage_quota' : 'storage_error', message, layer.kind, dropped);
  }

  private warn(code: StorageWarning['code'], message: string, kind: StoreKind, dropped?: boolean): void {
    this.settings.warn(dropped === undefined ? { code, message, kind } : { code, message, kind, dropped });
  }
}
