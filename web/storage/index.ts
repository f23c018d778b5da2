// Persistence of the delivery queue: one slot per page load, owned through
// Web Locks (heartbeats without them), adopted by the next page when its
// owner is gone. See open.ts for the fallbacks and store.ts for the writes.
export { openQueueStore } from './open.js';
export type {
  AdoptableSlot,
  QueueStore,
  QueueStoreOptions,
  StorageWarning,
  StorageWarningCode,
  StoreKind,
} from './types.js';
