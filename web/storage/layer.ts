// One place slots can live. The store writes to the first layer that
// accepts a write and reads every layer it opened, keeping the newest copy,
// so a write that fell through to a lower layer is never shadowed.
import type { Entry } from './entry.js';
import type { StoreKind } from './types.js';

export interface Layer {
  readonly kind: StoreKind;
  /** False for memory: a slot there does not outlive the page. */
  readonly persistent: boolean;
  keys(prefix: string): Promise<string[]>;
  read(key: string): Promise<Entry | undefined>;
  /** Rejects with the DOMException (quota, closed connection, ...). */
  write(key: string, entry: Entry): Promise<void>;
  /** Only layers that can finish inside a pagehide handler have this. */
  writeSync?(key: string, entry: Entry): void;
  remove(key: string): Promise<void>;
  close(): void;
}

/** Names vary: Chromium/WebKit say QuotaExceededError, old Firefox NS_ERROR_DOM_QUOTA_REACHED. */
export function isQuotaError(e: unknown): boolean {
  const err = e as { name?: unknown; code?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  return err.name === 'QuotaExceededError' || err.name === 'NS_ERROR_DOM_QUOTA_REACHED' || err.code === 22;
}

export function describe(e: unknown): string {
  if (e && typeof e === 'object' && 'name' in e) {
    const err = e as { name: unknown; message?: unknown };
    return `${String(err.name)}: ${String(err.message ?? '')}`;
  }
  return String(e);
}
