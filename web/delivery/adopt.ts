// Taking in the queues of pages that are gone (claimed through the store,
// so two live tabs never take the same one): absorbed into the engine,
// persisted as our own, then the old slots deleted. At start, and again
// while the page lives: a tab closed while its last beacon failed would
// otherwise wait for the app's next page load, however long other tabs stay.
import type { Core } from '../core/boundary.js';
import type { QueueStore } from '../storage/index.js';
import { monotonicNow } from '../timers.js';

export interface AdoptHooks {
  /** Save our snapshot even when there is nothing to adopt (at start). */
  saveAnyway: boolean;
  closed(): boolean;
  log(message: string, data?: unknown): void;
  unreadable(message: string): void;
}

export async function adoptOrphans(store: QueueStore, core: Core, hooks: AdoptHooks): Promise<void> {
  const orphans = await store.adoptable();
  if (hooks.closed() || (orphans.length === 0 && !hooks.saveAnyway)) return;
  // Snapshot times from another page are clamped by the engine.
  const now = monotonicNow();
  const absorbed: string[] = [];
  for (const o of orphans) {
    const r = core.absorb(o.snapshot, now);
    hooks.log('adopted queue', { key: o.key, ...(r.ok ? r.value : { errors: r.errors }) });
    // A queue this version cannot read (a newer format, or damage) is
    // left in storage: deleting it would lose what a later version reads.
    if (r.ok) absorbed.push(o.key);
    else hooks.unreadable(`could not read a persisted queue: ${r.errors.map((e) => e.message).join('; ')}`);
  }
  // Delete the adopted copies only once ours is durable; if the save
  // reached memory only, they remain the last persistent copy.
  const snapshot = core.snapshot();
  if (!snapshot.ok || !(await store.save(snapshot.value))) return;
  for (const key of absorbed) await store.release(key);
}
