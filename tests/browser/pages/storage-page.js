// Drives the compiled queue store from tests (page.evaluate calls these)
// and lets them look at what really sits in IndexedDB and localStorage.
import { openQueueStore } from '/dist/storage/index.js';

window.warnings = [];
window.snapshotReads = 0;

window.openStore = async (options = {}) => {
  window.store = await openQueueStore({
    namespace: 'test',
    onWarning: (w) => window.warnings.push(w),
    ...options,
  });
  return { kind: window.store.kind, key: window.store.key, ownership: window.store.ownership };
};

/** adoptable() without handing the snapshots back through the protocol. */
window.adopt = async () => (await window.store.adoptable()).map(({ key, snapshot }) => ({ key, snapshot }));

/** The raw value of one key in the IndexedDB of namespace "test" (undefined when absent). */
window.idbRead = (key) =>
  new Promise((resolve, reject) => {
    const open = indexedDB.open('test:queue');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('slots')) return resolve(undefined);
      const get = db.transaction('slots').objectStore('slots').get(key);
      get.onsuccess = () => {
        db.close();
        resolve(get.result);
      };
      get.onerror = () => reject(get.error);
    };
  });

window.lsKeys = () => Object.keys(localStorage).filter((k) => k.startsWith('test:')).sort();

window.storageReady = true;
