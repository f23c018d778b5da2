// Per-target capture state: action counters, the current thumb, score and
// custom field values. Counters must be absolute (the stored event merges, a
// later scalar replaces an earlier one, so sending "+1" would be lost and a
// retried "+1" doubled): the n-th copy sends copy_count: n. State lives in
// memory and, best effort, in sessionStorage/localStorage under one key per
// namespace, so a reload continues the count. Session-level state (key '')
// stays in memory: this layer does not know which session a later page load
// belongs to.
import type { FieldValue } from './attributes.js';

export type StorageKind = 'session' | 'local' | 'none';
export type Thumb = 'up' | 'down' | 'withdrawn';

export interface TargetState {
  counts: Record<string, number>;
  rating?: Thumb;
  score?: number;
  fields: Record<string, FieldValue>;
  /** Last change (ms); the newer copy wins when another tab wrote too. */
  at: number;
}

// Enough for a long chat; the oldest targets are dropped beyond it.
const MAX_TARGETS = 500;

function fresh(): TargetState {
  return { counts: {}, fields: {}, at: 0 };
}

function clone(s: TargetState): TargetState {
  return { ...s, counts: { ...s.counts }, fields: { ...s.fields } };
}

// Storage is shared with other tabs and versions: accept only what we wrote.
function sanitize(raw: unknown): TargetState | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const out = fresh();
  if (typeof r.at === 'number' && Number.isFinite(r.at)) out.at = r.at;
  if (typeof r.counts === 'object' && r.counts !== null) {
    for (const [k, v] of Object.entries(r.counts)) {
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) out.counts[k] = v;
    }
  }
  if (r.rating === 'up' || r.rating === 'down' || r.rating === 'withdrawn') out.rating = r.rating;
  if (typeof r.score === 'number' && Number.isFinite(r.score)) out.score = r.score;
  if (typeof r.fields === 'object' && r.fields !== null) {
    for (const [k, v] of Object.entries(r.fields)) {
      if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out.fields[k] = v;
    }
  }
  return out;
}

export class StateStore {
  readonly #memory = new Map<string, TargetState>();
  readonly #kind: StorageKind;
  readonly #key: string;

  constructor(kind: StorageKind, namespace: string) {
    this.#kind = kind;
    this.#key = `${namespace}:capture`;
  }

  // Looked up on each use, never at construction: SSR has no window, and
  // Safari's private mode throws on access.
  #storage(): Storage | undefined {
    try {
      if (this.#kind === 'session') return globalThis.sessionStorage;
      if (this.#kind === 'local') return globalThis.localStorage;
    } catch {
      /* unavailable: memory only */
    }
    return undefined;
  }

  #readAll(storage: Storage): Record<string, unknown> {
    try {
      const parsed: unknown = JSON.parse(storage.getItem(this.#key) ?? '{}');
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  /** A copy of the state; counts are the larger of memory and storage (another tab may be ahead). */
  get(key: string): TargetState {
    const mem = this.#memory.get(key);
    const storage = key === '' ? undefined : this.#storage();
    const stored = storage ? sanitize(this.#readAll(storage)[key]) : undefined;
    if (!stored) return mem ? clone(mem) : fresh();
    if (!mem) return stored;
    const newer = stored.at > mem.at ? stored : mem;
    const out = clone(newer);
    for (const [k, v] of Object.entries(stored.counts)) out.counts[k] = Math.max(v, mem.counts[k] ?? 0);
    for (const [k, v] of Object.entries(mem.counts)) out.counts[k] = Math.max(v, out.counts[k] ?? 0);
    return out;
  }

  /** Keeps `state` for `key`; storage failures (quota, disabled) leave memory only. */
  set(key: string, state: TargetState): void {
    const s = clone(state);
    s.at = Date.now();
    this.#memory.set(key, s);
    const storage = key === '' ? undefined : this.#storage();
    if (!storage) return;
    try {
      const all = this.#readAll(storage);
      delete all[key];
      all[key] = s;
      const keys = Object.keys(all);
      if (keys.length > MAX_TARGETS) {
        const byAge = keys.sort((a, b) => (sanitize(all[a])?.at ?? 0) - (sanitize(all[b])?.at ?? 0));
        for (const k of byAge.slice(0, keys.length - MAX_TARGETS)) delete all[k];
      }
      storage.setItem(this.#key, JSON.stringify(all));
    } catch {
      /* best effort: the in-memory count still goes up */
    }
  }
}
