// Background timers must not keep a Node process alive (tests, SSR, CLI
// tools using the client): in Node they are unref'd. Browsers return a
// number and ignore this.
export function background<T>(timer: T): T {
  const t = timer as unknown as { unref?: () => void };
  if (t && typeof t === 'object' && typeof t.unref === 'function') t.unref();
  return timer;
}
