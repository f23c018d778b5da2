// Slots in localStorage: synchronous (so it can finish inside pagehide) but
// small (about 5 M characters per origin) and able to throw on any access.
import { decodeEntry, encodeEntry } from './entry.js';
import type { Layer } from './layer.js';

/** The layer, or the reason localStorage cannot be used here. */
export function openLocalStorage(namespace: string): Layer | { error: unknown } {
  let ls: Storage;
  try {
    // Throws SecurityError when storage is blocked (cookies off, sandboxed frames).
    ls = globalThis.localStorage;
    if (!ls) return { error: new Error('localStorage is not defined') };
    // Some private modes expose it but fail every write.
    const probe = `${namespace}:probe`;
    ls.setItem(probe, '1');
    ls.removeItem(probe);
  } catch (error) {
    return { error };
  }
  return {
    kind: 'localstorage',
    persistent: true,
    async keys(prefix) {
      const out: string[] = [];
      for (let i = 0; i < ls.length; i++) {
        const k = ls.key(i);
        if (k !== null && k.startsWith(prefix)) out.push(k);
      }
      return out;
    },
    read: async (key) => decodeEntry(ls.getItem(key)),
    write: async (key, entry) => ls.setItem(key, encodeEntry(entry)),
    writeSync: (key, entry) => ls.setItem(key, encodeEntry(entry)),
    remove: async (key) => ls.removeItem(key),
    close: () => {},
  };
}
