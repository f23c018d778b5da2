// Bounded, fair upstream work. A global cap on calls in flight, a per-client
// cap so one client cannot hold every slot, a cap on calls waiting (beyond it
// the caller answers 503 `overloaded`), and round-robin between clients that
// wait. A waiting call whose client hung up is dropped (its AbortSignal).

export class AbortedError extends Error {
  constructor() {
    super('the client went away');
    this.name = 'AbortedError';
  }
}

/**
 * The client hung up: one listener on the request's AbortSignal fanning out
 * to every waiting and running call (an AbortSignal with hundreds of
 * listeners would trip Node's leak warning).
 */
export class Hangup {
  aborted = false;
  private readonly listeners = new Set<() => void>();
  constructor(signal?: AbortSignal) {
    if (signal?.aborted) this.aborted = true;
    else signal?.addEventListener('abort', () => this.fire(), { once: true });
  }
  fire(): void {
    if (this.aborted) return;
    this.aborted = true;
    for (const l of [...this.listeners]) l();
    this.listeners.clear();
  }
  /** Calls `listener` on hang-up; returns the unsubscribe function. */
  on(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

interface Waiter {
  start: () => void;
  fail: (e: unknown) => void;
  off?: () => void;
}

interface Client {
  active: number;
  waiting: Waiter[];
}

export class Scheduler {
  private active = 0;
  private queued = 0;
  private reserved = 0;
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly limit: number,
    private readonly perClient: number,
    private readonly maxQueued: number,
  ) {}

  /** Calls running and waiting now (for tests and metrics). */
  get load(): { active: number; queued: number } {
    return { active: this.active, queued: this.queued };
  }

  /**
   * Reserves room for up to `n` calls; returns how many fit. The caller must
   * hand back what it does not use with `unreserve`.
   */
  reserve(n: number): number {
    const room = Math.max(0, this.limit + this.maxQueued - this.active - this.queued - this.reserved);
    const got = Math.min(n, room);
    this.reserved += got;
    return got;
  }

  unreserve(n: number): void {
    this.reserved = Math.max(0, this.reserved - n);
  }

  /** Runs `task` in a slot for `clientKey`, using one reserved unit. */
  async run<T>(clientKey: string, signal: Hangup | undefined, task: () => Promise<T>): Promise<T> {
    this.unreserve(1);
    if (signal?.aborted) throw new AbortedError();
    let c = this.clients.get(clientKey);
    if (!c) this.clients.set(clientKey, (c = { active: 0, waiting: [] }));
    const client = c;
    if (this.active < this.limit && client.active < this.perClient) {
      this.active += 1;
      client.active += 1;
    } else {
      await new Promise<void>((start, fail) => {
        const w: Waiter = { start, fail };
        if (signal) {
          w.off = signal.on(() => {
            const i = client.waiting.indexOf(w);
            if (i >= 0) {
              client.waiting.splice(i, 1);
              this.queued -= 1;
              this.forget(clientKey, client);
            }
            fail(new AbortedError());
          });
        }
        client.waiting.push(w);
        this.queued += 1;
      });
    }
    try {
      return await task();
    } finally {
      this.active -= 1;
      client.active -= 1;
      this.forget(clientKey, client);
      // A slot freed by a hang-up: let the other hang-ups of the same moment
      // (their sockets close within a few I/O turns) land before handing it on.
      if (signal?.aborted) setTimeout(() => this.pump(), 20);
      else this.pump();
    }
  }

  private forget(key: string, c: Client): void {
    if (c.active === 0 && c.waiting.length === 0) this.clients.delete(key);
  }

  /** Starts waiting calls while slots are free, one client after another. */
  private pump(): void {
    while (this.active < this.limit && this.queued > 0) {
      let picked: [string, Client] | undefined;
      for (const entry of this.clients) {
        if (entry[1].waiting.length && entry[1].active < this.perClient) {
          picked = entry;
          break;
        }
      }
      if (!picked) return;
      const [key, c] = picked;
      // Round-robin: the served client goes to the back of the line.
      this.clients.delete(key);
      this.clients.set(key, c);
      const w = c.waiting.shift()!;
      this.queued -= 1;
      w.off?.();
      this.active += 1;
      c.active += 1;
      w.start();
    }
  }
}

/** Runs tasks one after another per key (same-event updates, in arrival order). */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
