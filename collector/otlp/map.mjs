// Maps OTLP spans to HoneyHive events the way HoneyHive's ingestion reads
// the attributes its SDKs set (shared/honeyhive/README.md, from the Python
// SDK v1.5.1): session id from baggage-copied attributes, an explicit event
// id or one derived from the trace and span ids, flattened namespaces
// (`honeyhive_feedback.rating`) unflattened into nested objects. Pure
// functions, so the rules are tested without a server.

import { createHash } from 'node:crypto';
import { UUID_RE } from '../validate.mjs';

/** Attributes that carry the session id, in the order they are trusted. */
export const SESSION_ATTRIBUTES = ['honeyhive.session_id', 'honeyhive_session_id', 'traceloop.association.properties.session_id'];

/** Flattened namespaces and the event field each becomes. */
const NAMESPACES = /** @type {const} */ ({
  honeyhive_inputs: 'inputs',
  honeyhive_outputs: 'outputs',
  honeyhive_metadata: 'metadata',
  honeyhive_metrics: 'metrics',
  honeyhive_feedback: 'feedback',
  honeyhive_config: 'config',
  honeyhive_user_properties: 'user_properties',
});

const EVENT_TYPES = new Set(['model', 'tool', 'chain', 'session']);

/**
 * UUID namespace of the derived event ids (a fixed random v4, never change:
 * ids already stored would stop matching their spans).
 */
export const SPAN_EVENT_NAMESPACE = '5b0c4f52-8a43-4c8e-9a52-6f0d3c1e7a19';

/**
 * Event id of a span that names none: the RFC 9562 version-5 UUID (SHA-1,
 * name-based) of the name `<trace id hex>-<span id hex>` (lowercase) in
 * SPAN_EVENT_NAMESPACE. Deterministic, so a re-exported span lands on the
 * same event and a child can name its parent before the parent arrives.
 * @param {string} traceId 32 hex digits @param {string} spanId 16 hex digits
 */
export function spanEventId(traceId, spanId) {
  const ns = Buffer.from(SPAN_EVENT_NAMESPACE.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(`${traceId.toLowerCase()}-${spanId.toLowerCase()}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * Rebuilds nested objects from dotted attribute keys: `a.b.c = 1` → {a:{b:{c:1}}}.
 * An object whose keys are exactly 0..n-1 becomes an array (the SDK
 * flattens lists by index). When a key is both a leaf and a prefix
 * (`a = 1` and `a.b = 2`), the nested object wins and the leaf is kept
 * under the empty-string key so nothing is silently dropped.
 * @param {Array<[string, unknown]>} entries dotted path (below the namespace) → value
 */
export function unflatten(entries) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const [path, value] of entries) {
    const parts = path.split('.');
    if (parts.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')) continue;
    let node = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const k = parts[i];
      if (typeof node[k] !== 'object' || node[k] === null || Array.isArray(node[k])) {
        node[k] = node[k] === undefined ? {} : { '': node[k] };
      }
      node = node[k];
    }
    const last = parts[parts.length - 1];
    if (typeof node[last] === 'object' && node[last] !== null && !Array.isArray(node[last])) node[last][''] = value;
    else node[last] = value;
  }
  return arrays(out);
}

/** @param {any} v @returns {any} */
function arrays(v) {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const keys = Object.keys(v);
  for (const k of keys) v[k] = arrays(v[k]);
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => v[k]);
  return v;
}

/** ms since the epoch from Unix nanoseconds, kept to microseconds. @param {bigint} ns */
function ms(ns) {
  return Number(ns / 1000n) / 1000;
}

/**
 * @typedef {object} MappedSpan
 * @property {string} traceId
 * @property {string} spanId
 * @property {string} parentSpanId
 * @property {string | undefined} parentEventId explicit `honeyhive.parent_id`, if any
 * @property {boolean} explicitEventId
 * @property {Record<string, any>} event HoneyHive event fields
 * @property {{ session_id: string, event_name: string, source: string, project: string | null, start_time: number, user_properties: Record<string, unknown> }} session
 */

/**
 * @param {import('./decode.mjs').OtlpSpan} span
 * @param {{ project?: string, source?: string }} [defaults] from the request's x-project / x-source headers
 * @returns {{ ok: true, value: MappedSpan } | { ok: false, reason: string }}
 */
export function mapSpan(span, defaults = {}) {
  const a = span.attributes;
  const str = (/** @type {string[]} */ ...keys) => {
    for (const k of keys) {
      const v = a[k] ?? span.resource[k];
      if (typeof v === 'string' && v !== '') return v;
    }
    return undefined;
  };
  const sessionKey = SESSION_ATTRIBUTES.find((k) => typeof a[k] === 'string' && a[k] !== '');
  // A span from an app without HoneyHive's instrumentation: its trace is its session
  // (the 16-byte trace id read as a UUID), so it is still visible and rateable.
  const sessionRaw = sessionKey ? /** @type {string} */ (a[sessionKey]) : undefined;
  if (sessionRaw !== undefined && !UUID_RE.test(sessionRaw)) return { ok: false, reason: `${sessionKey} must be a UUID, got ${JSON.stringify(sessionRaw)}` };
  const sessionId = (sessionRaw ?? uuidFromHex(span.traceId)).toLowerCase();

  const explicit = a.honeyhive_event_id;
  if (explicit !== undefined && (typeof explicit !== 'string' || !UUID_RE.test(explicit))) {
    return { ok: false, reason: `honeyhive_event_id must be a UUID, got ${JSON.stringify(explicit)}` };
  }
  const eventId = explicit ? explicit.toLowerCase() : spanEventId(span.traceId, span.spanId);
  if (eventId === sessionId) return { ok: false, reason: 'honeyhive_event_id must differ from the session id (the session is its own event)' };

  /** @type {Record<string, Array<[string, unknown]>>} */
  const groups = {};
  for (const [key, value] of Object.entries(a)) {
    const dot = key.indexOf('.');
    const ns = dot > 0 ? key.slice(0, dot) : key;
    const field = NAMESPACES[/** @type {keyof typeof NAMESPACES} */ (ns)];
    if (!field) continue;
    // `honeyhive_outputs` without a dot: a whole value; kept under the namespace's own name.
    (groups[field] ??= []).push([dot > 0 ? key.slice(dot + 1) : ns, value]);
  }
  const nested = Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, unflatten(v)]));

  const typeAttr = str('honeyhive_event_type');
  const eventType = typeAttr && EVENT_TYPES.has(typeAttr) && typeAttr !== 'session' ? typeAttr
    : (a['gen_ai.system'] !== undefined || a['llm.request.type'] !== undefined ? 'model' : 'tool');
  const userId = str('honeyhive_user_id');
  const userProperties = { ...(nested.user_properties ?? {}), ...(userId ? { user_id: userId } : {}) };
  const project = str('honeyhive.project', 'honeyhive_project') ?? defaults.project ?? null;
  const source = str('honeyhive.source', 'honeyhive_source') ?? defaults.source ?? 'otlp';
  const start = ms(span.startNs);
  const end = ms(span.endNs);
  const error = str('honeyhive_error') ?? (span.status.code === 2 ? (span.status.message || 'error') : undefined);
  const parentEventId = str('honeyhive.parent_id', 'honeyhive_parent_id');

  return {
    ok: true,
    value: {
      traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId,
      parentEventId: parentEventId && UUID_RE.test(parentEventId) ? parentEventId.toLowerCase() : undefined,
      explicitEventId: Boolean(explicit),
      event: {
        event_id: eventId, session_id: sessionId, project,
        event_type: eventType, event_name: str('honeyhive_event_name') ?? (span.name || 'unknown'), source,
        inputs: nested.inputs ?? {}, outputs: nested.outputs ?? {}, metadata: nested.metadata ?? {},
        metrics: nested.metrics ?? {}, feedback: nested.feedback ?? {}, config: nested.config ?? {},
        user_properties: userProperties, error: error ?? null,
        start_time: start, end_time: Math.round(end), duration: Math.max(0, end - start),
      },
      session: {
        session_id: sessionId, project, source, start_time: start, user_properties: userId ? { user_id: userId } : {},
        event_name: str('honeyhive.session_name', 'honeyhive_session_name') ?? 'unknown',
      },
    },
  };
}

/** @param {string} hex 32 hex digits */
function uuidFromHex(hex) {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
