// Linking browser feedback to the backend trace: the session id travels in
// the W3C `baggage` header (HoneyHive reads session_id, honeyhive_session_id
// or honeyhive.session_id) or in a <meta name="honeyhive-session-id"> tag.

/**
 * The baggage keys that carry the HoneyHive session id, in the order they
 * are looked up.
 *
 * @example
 * ```ts
 * const header = `${BAGGAGE_SESSION_KEYS[0]}=${sessionId}`; // "session_id=<uuid>"
 * ```
 */
export const BAGGAGE_SESSION_KEYS = ['session_id', 'honeyhive_session_id', 'honeyhive.session_id'];

/**
 * Parses a W3C baggage header into key → value (percent-decoded; member
 * properties after `;` dropped; the first of a repeated key wins).
 *
 * @example
 * ```ts
 * parseBaggage('session_id=6f1c2a9e-0b7d-4c1e-9a8f-3d2e1b0c4a5f,user=ann%20b').get('user'); // "ann b"
 * ```
 */
export function parseBaggage(header: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const member of header.split(',')) {
    const [pair] = member.split(';');
    if (!pair) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      continue; // malformed percent-encoding: skip the member, keep the rest
    }
    if (key && !out.has(key)) out.set(key, value);
  }
  return out;
}

export type HeaderSource =
  | { headers: { get(name: string): string | null } }
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

/** Reads one header from a Response, a Headers, or a plain object. */
export function readHeader(source: HeaderSource, name: string): string | undefined {
  if (!source || typeof source !== 'object') return undefined;
  const maybeResponse = source as { headers?: unknown };
  if (maybeResponse.headers && typeof (maybeResponse.headers as { get?: unknown }).get === 'function') {
    return (maybeResponse.headers as { get(n: string): string | null }).get(name) ?? undefined;
  }
  if (typeof (source as { get?: unknown }).get === 'function') {
    return (source as { get(n: string): string | null }).get(name) ?? undefined;
  }
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
    if (k.toLowerCase() !== lower) continue;
    if (Array.isArray(v)) return v.join(',');
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/**
 * The session id found in a baggage header under one of
 * {@link BAGGAGE_SESSION_KEYS}, if any (not yet validated: check it with
 * isUuid).
 *
 * @example
 * ```ts
 * const sid = sessionFromBaggage(response.headers.get('baggage') ?? undefined);
 * if (sid && isUuid(sid)) client.setSession(sid);
 * ```
 */
export function sessionFromBaggage(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const baggage = parseBaggage(header);
  for (const key of BAGGAGE_SESSION_KEYS) {
    const v = baggage.get(key);
    if (v) return v;
  }
  return undefined;
}
