// The last resort: slots in a page-wide Map. Nothing survives a reload, but
// two stores of one page still hand slots over (and the queue keeps working).
import type { Entry } from './entry.js';
import type { Layer } from './layer.js';

// Shared by every store of this page, like real storage would be.
const slots = new Map<string, Entry>();

export function openMemory(): Layer {
  return {
    kind: 'memory',
    persistent: false,
    keys: async (prefix) => [...slots.keys()].filter((k) => k.startsWith(prefix)),
    read: async (key) => slots.get(key),
    write: async (key, entry) => void slots.set(key, entry),
    writeSync: (key, entry) => void slots.set(key, entry),
    remove: async (key) => void slots.delete(key),
    close: () => {},
  };
}
