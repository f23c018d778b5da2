// OTLP/HTTP trace requests → plain span records, and the receiver's answers.
// Protobuf bodies are decoded with protobufjs from the official OTLP .proto
// files carried in ./proto (see ./proto/README.md); JSON bodies follow the
// OTLP JSON mapping (lowerCamelCase names, trace/span ids as hex, int64 as
// strings or numbers, enums as integers or names). Both end up in the same
// shape, so the mapping to HoneyHive events has one input format.

import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const PROTO_DIR = fileURLToPath(new URL('./proto/', import.meta.url));

const root = new protobuf.Root();
// Imports inside the files are relative to the proto root ("opentelemetry/proto/...").
root.resolvePath = (/** @type {string} */ _origin, /** @type {string} */ target) => join(PROTO_DIR, target);
root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
// google.rpc.Status, the body OTLP/HTTP prescribes for 4xx/5xx answers. Only
// code and message: `details` (repeated Any) would pull in a file we do not carry.
root.add(new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string')));

const ExportRequest = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const ExportResponse = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
const RpcStatus = root.lookupType('Status');

/** The request type, for tests that encode requests the way an SDK does. */
export { ExportRequest, ExportResponse };

/**
 * @typedef {string | number | boolean | null | any[] | { [k: string]: any }} AttrValue  (arrays and maps hold AttrValues)
 * @typedef {object} OtlpSpan
 * @property {string} traceId 32 lowercase hex digits
 * @property {string} spanId 16 lowercase hex digits
 * @property {string} parentSpanId 16 hex digits, or '' for a root span
 * @property {string} name
 * @property {number} kind SpanKind number
 * @property {bigint} startNs
 * @property {bigint} endNs
 * @property {Record<string, AttrValue>} attributes
 * @property {Record<string, AttrValue>} resource resource attributes
 * @property {{ code: number, message: string }} status
 */

const SPAN_KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/**
 * Decodes a protobuf ExportTraceServiceRequest into the JSON-mapping shape
 * (camelCase, int64 as strings, bytes as base64), then normalises it.
 * Throws on a body that is not a valid message.
 * @param {Uint8Array} body
 */
export function decodeProtobuf(body) {
  const msg = ExportRequest.decode(body);
  const obj = ExportRequest.toObject(msg, { longs: String, bytes: String, enums: Number, arrays: true });
  return normalise(obj, 'base64');
}

/**
 * @param {string} text
 */
export function decodeJson(text) {
  const obj = JSON.parse(text);
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new Error('body is not an ExportTraceServiceRequest object');
  return normalise(obj, 'hex');
}

/**
 * Walks resourceSpans → scopeSpans → spans. A span that cannot be read (bad
 * ids, bad times) is counted as rejected with its reason instead of failing
 * the whole request, as an OTLP receiver reports partial success.
 * @param {any} req
 * @param {'hex' | 'base64'} idEncoding how trace/span ids are written
 * @returns {{ spans: OtlpSpan[], rejected: Array<{ index: number, reason: string }> }}
 */
function normalise(req, idEncoding) {
  /** @type {OtlpSpan[]} */
  const spans = [];
  /** @type {Array<{ index: number, reason: string }>} */
  const rejected = [];
  let index = 0;
  for (const rs of list(field(req, 'resourceSpans', 'resource_spans'))) {
    const resource = attributes(field(rs?.resource, 'attributes'));
    for (const ss of list(field(rs, 'scopeSpans', 'scope_spans'))) {
      for (const s of list(field(ss, 'spans'))) {
        const at = index++;
        try {
          spans.push(readSpan(s, resource, idEncoding));
        } catch (err) {
          rejected.push({ index: at, reason: /** @type {Error} */ (err).message });
        }
      }
    }
  }
  return { spans, rejected };
}

/** @param {any} s @param {Record<string, AttrValue>} resource @param {'hex' | 'base64'} enc @returns {OtlpSpan} */
function readSpan(s, resource, enc) {
  if (typeof s !== 'object' || s === null) throw new Error('span is not an object');
  const traceId = id(field(s, 'traceId', 'trace_id'), 16, 'traceId', enc);
  const spanId = id(field(s, 'spanId', 'span_id'), 8, 'spanId', enc);
  const parentRaw = field(s, 'parentSpanId', 'parent_span_id');
  const parentSpanId = parentRaw === undefined || parentRaw === '' ? '' : id(parentRaw, 8, 'parentSpanId', enc, true);
  const startNs = nanos(field(s, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano');
  const endNs = nanos(field(s, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano');
  const st = field(s, 'status') ?? {};
  return {
    traceId, spanId, parentSpanId,
    name: typeof s.name === 'string' ? s.name : '',
    kind: enumNumber(s.kind, SPAN_KINDS),
    startNs, endNs: endNs < startNs ? startNs : endNs,
    attributes: attributes(field(s, 'attributes')),
    resource,
    status: { code: enumNumber(st.code, STATUS_CODES), message: typeof st.message === 'string' ? st.message : '' },
  };
}

/** A field by its JSON name or its proto name (proto3 JSON parsers accept both). @param {any} o @param {string[]} names */
function field(o, ...names) {
  if (typeof o !== 'object' || o === null) return undefined;
  for (const n of names) if (o[n] !== undefined) return o[n];
  return undefined;
}

/** @param {unknown} v @returns {any[]} */
function list(v) {
  return Array.isArray(v) ? v : [];
}

/**
 * @param {unknown} v @param {number} bytes @param {string} name @param {'hex' | 'base64'} enc
 * @param {boolean} [zeroOk] an all-zero parent id means "no parent" to some exporters
 */
function id(v, bytes, name, enc, zeroOk = false) {
  if (typeof v !== 'string') throw new Error(`${name} is missing`);
  const hex = enc === 'hex' ? v.toLowerCase() : Buffer.from(v, 'base64').toString('hex');
  if (!new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(hex)) throw new Error(`${name} must be ${bytes} bytes (${bytes * 2} hex digits), got ${JSON.stringify(v)}`);
  if (/^0+$/.test(hex)) {
    if (zeroOk) return '';
    throw new Error(`${name} must not be all zeros`);
  }
  return hex;
}

/** @param {unknown} v @param {string} name */
function nanos(v, name) {
  if (v === undefined || v === null || v === '') return 0n;
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  // A JSON number past 2^53 has already lost its last digits in JSON.parse;
  // nanosecond times stay right to the microsecond, which is all we keep.
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v);
  throw new Error(`${name} must be a non-negative integer (nanoseconds), got ${JSON.stringify(v)}`);
}

/** @param {unknown} v @param {string[]} names */
function enumNumber(v, names) {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const i = names.indexOf(v);
    return i >= 0 ? i : 0;
  }
  return 0;
}

/** KeyValue list → object; later duplicates win. @param {unknown} kvs @returns {Record<string, AttrValue>} */
function attributes(kvs) {
  /** @type {Record<string, AttrValue>} */
  const out = {};
  for (const kv of list(kvs)) {
    if (typeof kv?.key !== 'string' || kv.key === '__proto__') continue;
    out[kv.key] = anyValue(kv.value, 0);
  }
  return out;
}

/** @param {any} v @param {number} depth @returns {AttrValue} */
function anyValue(v, depth) {
  if (typeof v !== 'object' || v === null || depth > 16) return null;
  const s = field(v, 'stringValue', 'string_value');
  if (s !== undefined) return String(s);
  const b = field(v, 'boolValue', 'bool_value');
  if (b !== undefined) return b === true || b === 'true';
  const i = field(v, 'intValue', 'int_value');
  if (i !== undefined) {
    // int64: keep a number when it is exact, else the decimal string.
    const n = Number(i);
    return Number.isSafeInteger(n) ? n : String(i);
  }
  const d = field(v, 'doubleValue', 'double_value');
  if (d !== undefined) {
    const n = Number(d);
    return Number.isFinite(n) ? n : String(d);
  }
  const arr = field(v, 'arrayValue', 'array_value');
  if (arr !== undefined) return list(arr.values).map((x) => anyValue(x, depth + 1));
  const kvl = field(v, 'kvlistValue', 'kvlist_value');
  if (kvl !== undefined) {
    /** @type {Record<string, AttrValue>} */
    const o = {};
    for (const kv of list(kvl.values)) if (typeof kv?.key === 'string' && kv.key !== '__proto__') o[kv.key] = anyValue(kv.value, depth + 1);
    return o;
  }
  const bytes = field(v, 'bytesValue', 'bytes_value');
  if (bytes !== undefined) return String(bytes); // base64 in both encodings
  return null;
}

/**
 * ExportTraceServiceResponse for a request; partial_success only when spans were rejected.
 * @param {'protobuf' | 'json'} format
 * @param {{ rejected: number, message: string }} outcome
 * @returns {Uint8Array | string}
 */
export function encodeResponse(format, { rejected, message }) {
  const partial = rejected > 0 ? { rejectedSpans: rejected, errorMessage: message } : undefined;
  if (format === 'json') return JSON.stringify(partial ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: message } } : {});
  return ExportResponse.encode(ExportResponse.fromObject(partial ? { partialSuccess: partial } : {})).finish();
}

/**
 * google.rpc.Status body for a failed request.
 * @param {'protobuf' | 'json'} format @param {number} code gRPC code (3 invalid argument, 16 unauthenticated, ...)
 * @param {string} message
 */
export function encodeStatus(format, code, message) {
  if (format === 'json') return JSON.stringify({ code, message });
  return RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish();
}
