// Builders for OTLP trace requests in both encodings, for the collector's
// OTLP tests: a span is described once (hex ids, ns times as strings, plain
// attribute values) and written as protobuf (protobufjs, from the carried
// .proto files) or as OTLP JSON.

import { ExportRequest } from '../../collector/otlp/decode.mjs';

/**
 * @typedef {{ traceId: string, spanId: string, parentSpanId?: string, name?: string,
 *   start?: string, end?: string, attributes?: Record<string, unknown>, status?: { code: number, message?: string } }} SpanSpec
 */

/** OTLP AnyValue in the JSON mapping. @param {unknown} v @returns {any} */
export function anyValue(v) {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (v && typeof v === 'object') return { kvlistValue: { values: Object.entries(v).map(([key, x]) => ({ key, value: anyValue(x) })) } };
  return {};
}

/** @param {Record<string, unknown>} attrs */
const kvs = (attrs) => Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));

/** The request in the OTLP JSON mapping. @param {SpanSpec[]} spans */
export function jsonRequest(spans) {
  return {
    resourceSpans: [{
      resource: { attributes: kvs({ 'service.name': 'otlp-test' }) },
      scopeSpans: [{
        scope: { name: 'test' },
        spans: spans.map((s) => ({
          traceId: s.traceId, spanId: s.spanId, ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
          name: s.name ?? 'span', kind: 1,
          startTimeUnixNano: s.start ?? '1700000000000000000', endTimeUnixNano: s.end ?? '1700000000500000000',
          attributes: kvs(s.attributes ?? {}), ...(s.status ? { status: s.status } : {}),
        })),
      }],
    }],
  };
}

/** The same request as protobuf bytes. @param {SpanSpec[]} spans */
export function protobufRequest(spans) {
  const obj = jsonRequest(spans);
  for (const s of obj.resourceSpans[0].scopeSpans[0].spans) {
    // protobufjs' fromObject reads bytes from base64 or a buffer, not hex.
    /** @type {any} */ (s).traceId = Buffer.from(s.traceId, 'hex');
    /** @type {any} */ (s).spanId = Buffer.from(s.spanId, 'hex');
    if (s.parentSpanId) /** @type {any} */ (s).parentSpanId = Buffer.from(s.parentSpanId, 'hex');
  }
  return ExportRequest.encode(ExportRequest.fromObject(obj)).finish();
}

/** @param {number} n */
export function hexId(n) {
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[0] |= 1; // never all zeros
  return bytes.toString('hex');
}
