// The stored form of a slot (and of a heartbeat): the payload plus a
// sequence number, so when one slot has copies in two layers (an IndexedDB
// write and the localStorage mirror written at pagehide) the newer wins.

export interface Entry {
  /** Grows with every write of the own slot within a page load. */
  seq: number;
  /** Wall-clock ms of the write (heartbeats: of the beat; 0 = page left). */
  at: number;
  /** The engine snapshot (slots) or the owner id (heartbeats). */
  data: string;
}

// localStorage holds strings; a one-line header before the payload avoids
// JSON-escaping a multi-megabyte snapshot a second time.
const MAGIC = 'tfq1';

export function encodeEntry(e: Entry): string {
  return `${MAGIC};${e.seq};${e.at}\n${e.data}`;
}

export function decodeEntry(text: string | null): Entry | undefined {
  if (text === null) return undefined;
  const nl = text.indexOf('\n');
  const head = (nl < 0 ? text : text.slice(0, nl)).split(';');
  if (nl < 0 || head.length !== 3 || head[0] !== MAGIC) return undefined;
  const seq = Number(head[1]);
  const at = Number(head[2]);
  if (!Number.isFinite(seq) || !Number.isFinite(at)) return undefined;
  return { seq, at, data: text.slice(nl + 1) };
}

/** IndexedDB returns whatever was put there; trust only the expected shape. */
export function asEntry(value: unknown): Entry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Partial<Entry>;
  if (typeof v.seq !== 'number' || typeof v.at !== 'number' || typeof v.data !== 'string') return undefined;
  return { seq: v.seq, at: v.at, data: v.data };
}

/** The newest of several copies of one key (higher seq; ties by time). */
export function newest(entries: (Entry | undefined)[]): Entry | undefined {
  let best: Entry | undefined;
  for (const e of entries) {
    if (!e) continue;
    if (!best || e.seq > best.seq || (e.seq === best.seq && e.at > best.at)) best = e;
  }
  return best;
}
