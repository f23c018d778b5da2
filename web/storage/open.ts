// openQueueStore: picks the layers (IndexedDB, localStorage, memory, in that
// order of preference) and the ownership mode, and never rejects: whatever
// fails turns into one warning and a weaker, still working store.
import { openIndexedDb } from './indexeddb.js';
import { describe, type Layer } from './layer.js';
import { openLocalStorage } from './localstorage.js';
import { openMemory } from './memory.js';
import { HeartbeatOwnership, LockOwnership, webLocks, type BeatIo, type Ownership } from './ownership.js';
import { SlotStore } from './store.js';
import type { QueueStore, QueueStoreOptions, StorageWarning } from './types.js';
import { newest } from './entry.js';

export async function openQueueStore(options: QueueStoreOptions = {}): Promise<QueueStore> {
  const namespace = options.namespace || 'trace-feedback';
  const warn = oncePerCode(options.onWarning);
  const wanted = options.kind ?? 'auto';
  const preferred = wanted === 'auto' ? 'indexeddb' : wanted;

  const layers: Layer[] = [];
  const reasons: string[] = [];
  if (preferred === 'indexeddb') {
    const idb = await openIndexedDb(namespace).catch((error: unknown) => ({ error }));
    if ('error' in idb) reasons.push(`IndexedDB unavailable (${describe(idb.error)})`);
    else layers.push(idb);
  }
  if (preferred !== 'memory') {
    // Under IndexedDB it is the synchronous pagehide mirror; else the main store.
    const ls = openLocalStorage(namespace);
    if ('error' in ls) reasons.push(`localStorage unavailable (${describe(ls.error)})`);
    else layers.push(ls);
  }
  layers.push(openMemory());

  const inUse = layers[0]!.kind;
  if (inUse === 'memory' && preferred !== 'memory') {
    warn({
      code: 'storage_unavailable',
      kind: 'memory',
      message: `${reasons.join('; ')}: the feedback queue is kept in memory only and will not survive a reload`,
    });
  } else if (inUse !== preferred) {
    warn({ code: 'storage_fallback', kind: inUse, message: `${reasons.join('; ')}: using ${inUse}` });
  }

  const uuid = newUuid();
  const key = `${namespace}:queue:${uuid}`;
  const owner = await chooseOwnership(layers, namespace, uuid, options);
  await owner.hold(key);
  return new SlotStore(
    {
      namespace,
      saveDelayMs: options.saveDelayMs ?? 250,
      maxSaveDelayMs: options.maxSaveDelayMs ?? 2000,
      warn,
    },
    layers,
    owner,
    key,
  );
}

async function chooseOwnership(
  layers: Layer[],
  namespace: string,
  uuid: string,
  options: QueueStoreOptions,
): Promise<Ownership> {
  const locks = webLocks();
  if (locks) {
    // Probe with a throwaway lock: request() can exist and still fail (opaque origins).
    const probe = new LockOwnership(locks);
    const probeKey = `${namespace}:probe:${uuid}`;
    if (await probe.claim(probeKey)) {
      await probe.drop(probeKey);
      return probe;
    }
  }
  return new HeartbeatOwnership(beatIo(layers, namespace), uuid, options.heartbeatMs ?? 5000, options.staleAfterMs ?? 150_000);
}

/** Heartbeats sit next to the slots under `<namespace>:beat:<uuid>`, small and rewritten often. */
function beatIo(layers: Layer[], namespace: string): BeatIo {
  const beatKey = (slotKey: string) => `${namespace}:beat:${slotKey.slice(slotKey.lastIndexOf(':') + 1)}`;
  // localStorage when present: cheap to rewrite and writable inside pagehide.
  const home = layers.find((l) => l.kind === 'localstorage') ?? layers[0]!;
  const readAll = async (key: string) =>
    newest(await Promise.all(layers.map((l) => l.read(key).catch(() => undefined))));
  return {
    readBeat: (slotKey) => readAll(beatKey(slotKey)),
    readSlot: (slotKey) => readAll(slotKey),
    async writeBeat(slotKey, entry, sync) {
      try {
        if (sync && home.writeSync) home.writeSync(beatKey(slotKey), entry);
        else await home.write(beatKey(slotKey), entry);
      } catch {
        // A missed beat only makes the slot look older; the next one retries.
      }
    },
    async removeBeat(slotKey) {
      await Promise.all(layers.map((l) => l.remove(beatKey(slotKey)).catch(() => {})));
    },
  };
}

function oncePerCode(onWarning: ((w: StorageWarning) => void) | undefined): (w: StorageWarning) => void {
  const seen = new Set<string>();
  return (w) => {
    if (seen.has(w.code)) return;
    seen.add(w.code);
    try {
      onWarning?.(w);
    } catch {
      // The app's handler failing must not break storage.
    }
  };
}

function newUuid(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  // randomUUID needs a secure context; getRandomValues does not.
  const b = new Uint8Array(16);
  if (typeof c?.getRandomValues === 'function') c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
