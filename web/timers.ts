// Background timers must not keep a Node process alive (tests, SSR, CLI
// tools using the client): in Node they are unref'd. Browsers return a
// number and ignore this.
export function background<T>(timer: T): T {
  const t = timer as unknown as { unref?: () => void };
  if (t && typeof t === 'object' && typeof t.unref === 'function') t.unref();
  return timer;
}

/**
 * The engine's clock: epoch-like milliseconds that never step within a
 * page (performance.timeOrigin + performance.now()), so a wall clock set
 * back 10 minutes cannot delay retries by 10 minutes, and one set forward a
 * day cannot expire the queue. Date.now() where performance is missing.
 * Wall time is used only for what crosses page loads (storage entries).
 */
export function monotonicNow(): number {
  const p = (globalThis as { performance?: { timeOrigin?: number; now?: () => number } }).performance;
  if (p && typeof p.now === 'function' && typeof p.timeOrigin === 'number' && Number.isFinite(p.timeOrigin)) {
    return p.timeOrigin + p.now();
  }
  return Date.now();
}

/** 53 random bits for the engine's jitter, so clients that failed together do not retry together. */
export function randomSeed(): number {
  const c = (globalThis as { crypto?: { getRandomValues?: <T extends ArrayBufferView>(a: T) => T } }).crypto;
  if (c && typeof c.getRandomValues === 'function') {
    const w = c.getRandomValues(new Uint32Array(2));
    return (w[0] as number) * 2 ** 21 + ((w[1] as number) >>> 11);
  }
  return Math.floor(Math.random() * 2 ** 53);
}
