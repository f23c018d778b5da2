// Who may send a slot's updates. With Web Locks a page holds one lock per
// slot it owns (its own, and the ones it adopted until released); the
// browser drops the locks of a closed or crashed page, so a free lock means
// the owner is gone. Without Web Locks, pages write heartbeats and a slot
// whose heartbeat went stale is up for adoption: two pages can then both
// adopt the same slot in a narrow race, which costs a duplicate send that
// the proxy drops (update ids are idempotent), never a lost update.
import { background } from '../timers.js';
import type { Entry } from './entry.js';

export interface Ownership {
  readonly mode: 'locks' | 'heartbeat';
  /** Holds this page's own slot for the page's lifetime; false when that is impossible. */
  hold(ownKey: string): Promise<boolean>;
  /** Tries to own `key` (own slot or another page's); true when this page now holds it. */
  claim(key: string): Promise<boolean>;
  /** Lets go of a slot this page deleted. */
  drop(key: string): Promise<void>;
  /** Page is closing: lets go of everything, leaving slots for the next page. */
  leave(): void;
}

export function webLocks(): LockManager | undefined {
  try {
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    return locks && typeof locks.request === 'function' ? locks : undefined;
  } catch {
    return undefined;
  }
}

export class LockOwnership implements Ownership {
  readonly mode = 'locks';
  private readonly held = new Map<string, () => void>();

  constructor(private readonly locks: LockManager) {}

  hold(ownKey: string): Promise<boolean> {
    return this.claim(ownKey);
  }

  claim(key: string): Promise<boolean> {
    return new Promise((resolve) => {
      let release: () => void = () => {};
      const holding = new Promise<void>((r) => (release = r));
      try {
        // ifAvailable: a held lock means a live owner, so we never queue for it.
        this.locks
          .request(key, { ifAvailable: true }, (lock) => {
            if (!lock) {
              resolve(false);
              return undefined;
            }
            this.held.set(key, release);
            resolve(true);
            return holding;
          })
          .catch(() => resolve(false));
      } catch {
        // SecurityError in opaque origins; the caller falls back.
        resolve(false);
      }
    });
  }

  async drop(key: string): Promise<void> {
    this.held.get(key)?.();
    this.held.delete(key);
  }

  leave(): void {
    for (const release of this.held.values()) release();
    this.held.clear();
  }
}

/** Where heartbeats are read (newest over every layer) and written. */
export interface BeatIo {
  readBeat(slotKey: string): Promise<Entry | undefined>;
  readSlot(slotKey: string): Promise<Entry | undefined>;
  writeBeat(slotKey: string, entry: Entry, sync: boolean): Promise<void>;
  removeBeat(slotKey: string): Promise<void>;
}

// A claim is written, then read back after this pause: if another page
// claimed in between, the later write wins and the other page backs off.
const CLAIM_SETTLE_MS = 60;

export class HeartbeatOwnership implements Ownership {
  readonly mode = 'heartbeat';
  private readonly beating = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly onHide = () => this.mark(0);
  private readonly onShow = (e: PageTransitionEvent) => {
    if (e.persisted) this.mark(Date.now());
  };

  constructor(
    private readonly io: BeatIo,
    private readonly ownerId: string,
    private readonly heartbeatMs: number,
    private readonly staleAfterMs: number,
  ) {}

  async hold(ownKey: string): Promise<boolean> {
    this.beating.add(ownKey);
    this.mark(Date.now());
    this.timer = background(setInterval(() => this.mark(Date.now()), this.heartbeatMs));
    // Saying goodbye at pagehide makes a reload adopt at once instead of
    // after staleAfterMs; a page restored from the back/forward cache
    // beats again (if another page adopted meanwhile, updates go twice).
    globalThis.addEventListener?.('pagehide', this.onHide);
    globalThis.addEventListener?.('pageshow', this.onShow as EventListener);
    return true;
  }

  async claim(key: string): Promise<boolean> {
    const now = Date.now();
    const beat = await this.io.readBeat(key);
    // A beat at 0 is a page that said goodbye at pagehide; no beat at all
    // (older or crashed writer) falls back to the slot's own write time.
    const lastAlive = beat ? beat.at : ((await this.io.readSlot(key))?.at ?? 0);
    if (lastAlive > 0 && now - lastAlive < this.staleAfterMs) return false;
    this.beating.add(key);
    await this.io.writeBeat(key, { seq: 0, at: now, data: this.ownerId }, false);
    await new Promise((r) => setTimeout(r, CLAIM_SETTLE_MS));
    if ((await this.io.readBeat(key))?.data === this.ownerId) return true;
    this.beating.delete(key);
    return false;
  }

  async drop(key: string): Promise<void> {
    this.beating.delete(key);
    await this.io.removeBeat(key);
  }

  leave(): void {
    this.mark(0);
    this.beating.clear();
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    globalThis.removeEventListener?.('pagehide', this.onHide);
    globalThis.removeEventListener?.('pageshow', this.onShow as EventListener);
  }

  private mark(at: number): void {
    for (const key of this.beating) {
      void this.io.writeBeat(key, { seq: 0, at, data: this.ownerId }, at === 0);
    }
  }
}
