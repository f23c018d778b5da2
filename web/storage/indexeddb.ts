// Slots in IndexedDB: one database per namespace, one object store keyed by
// slot key. Roomy and off the main thread, but asynchronous: a write started
// at pagehide may never commit, which is why the store also mirrors there.
import { asEntry } from './entry.js';
import type { Layer } from './layer.js';

const STORE = 'slots';
// Private modes and broken profiles can leave open() pending forever.
const OPEN_TIMEOUT_MS = 3000;

/** The layer, or the reason IndexedDB cannot be used here. */
export async function openIndexedDb(namespace: string): Promise<Layer | { error: unknown }> {
  let db: IDBDatabase;
  try {
    db = await openDatabase(`${namespace}:queue`);
  } catch (error) {
    return { error };
  }
  let closed = false;
  // Someone deleting or upgrading the database must not be blocked by us;
  // later writes then fail and fall through to the next layer.
  db.onversionchange = () => {
    closed = true;
    db.close();
  };
  db.onclose = () => {
    closed = true;
  };

  function run<T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest<T> | undefined): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      let request: IDBRequest<T> | undefined;
      try {
        if (closed) throw new DOMException('the database connection is closed', 'InvalidStateError');
        const tx = db.transaction(STORE, mode);
        tx.oncomplete = () => resolve(request?.result);
        tx.onabort = () => reject(tx.error ?? request?.error ?? new DOMException('transaction aborted', 'AbortError'));
        try {
          request = op(tx.objectStore(STORE));
        } catch (error) {
          // e.g. put() throwing QuotaExceededError or DataCloneError synchronously.
          try {
            tx.abort();
          } catch {
            /* already finished */
          }
          reject(error);
        }
      } catch (error) {
        reject(error);
      }
    });
  }

  return {
    kind: 'indexeddb',
    persistent: true,
    async keys(prefix) {
      const keys = await run('readonly', (s) => s.getAllKeys(IDBKeyRange.bound(prefix, prefix + '\uffff')));
      return (keys ?? []).filter((k): k is string => typeof k === 'string');
    },
    read: async (key) => asEntry(await run('readonly', (s) => s.get(key))),
    write: async (key, entry) => void (await run('readwrite', (s) => s.put(entry, key))),
    remove: async (key) => void (await run('readwrite', (s) => s.delete(key))),
    close: () => {
      closed = true;
      db.close();
    },
  };
}

function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const factory = globalThis.indexedDB;
    if (!factory) throw new Error('indexedDB is not defined');
    // Throws synchronously in some sandboxed or private contexts; the
    // executor turns that into a rejection.
    const request = factory.open(name, 1);
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new DOMException(`indexedDB.open did not finish in ${OPEN_TIMEOUT_MS} ms`, 'TimeoutError'));
    }, OPEN_TIMEOUT_MS);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
    };
    request.onsuccess = () => {
      clearTimeout(timer);
      if (settled) request.result.close();
      else resolve(request.result);
      settled = true;
    };
    request.onerror = () => {
      clearTimeout(timer);
      settled = true;
      reject(request.error ?? new Error('indexedDB.open failed'));
    };
    // A newer version open elsewhere: wait for the timeout rather than hang.
    request.onblocked = () => {};
  });
}
