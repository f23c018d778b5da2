// POST /opentelemetry/v1/traces: the OTLP/HTTP receiver HoneyHive's SDKs
// export to. Answers as the OTLP/HTTP spec asks: 200 with an
// ExportTraceServiceResponse (partial_success naming how many spans were
// rejected and why), in the request's encoding; 4xx with a google.rpc.Status
// body. Spans that pass go to the ingestor, which applies the ingest lag.

import { gunzipSync, inflateSync } from 'node:zlib';
import { decodeJson, decodeProtobuf, encodeResponse, encodeStatus } from './decode.mjs';
import { mapSpan } from './map.mjs';

/** Paths answered: HoneyHive's, and the OTLP default for an exporter pointed at the collector's root. */
export const OTLP_PATHS = new Set(['/opentelemetry/v1/traces', '/v1/traces']);

/** gRPC codes used in the Status bodies. */
const INVALID_ARGUMENT = 3;
const UNAUTHENTICATED = 16;
const RESOURCE_EXHAUSTED = 8;

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {{ authorized: (req: import('node:http').IncomingMessage) => boolean, maxBytes: number,
 *   ingestor: ReturnType<typeof import('./ingest.mjs').createIngestor>,
 *   record: (status: number, bytes: number) => void, log: (line: string) => void }} ctx
 */
export async function handleOtlp(req, res, { authorized, maxBytes, ingestor, record, log }) {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const format = type === 'application/json' ? 'json' : 'protobuf';
  const send = (/** @type {number} */ status, /** @type {Uint8Array | string} */ body, /** @type {number} */ bytes) => {
    res.writeHead(status, {
      'Content-Type': format === 'json' ? 'application/json' : 'application/x-protobuf',
      'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
    });
    res.end(body);
    record(status, bytes);
  };
  const fail = (/** @type {number} */ status, /** @type {number} */ code, /** @type {string} */ message, /** @type {number} */ bytes) => {
    log(`collector: OTLP ${status}: ${message}`);
    send(status, encodeStatus(format, code, message), bytes);
  };

  const raw = await readRaw(req, maxBytes);
  if (!authorized(req)) return fail(401, UNAUTHENTICATED, 'missing or invalid Authorization: Bearer <api key>', raw.bytes);
  if (type !== 'application/json' && type !== 'application/x-protobuf') {
    return fail(415, INVALID_ARGUMENT, `Content-Type must be application/x-protobuf or application/json, got ${type || 'none'}`, raw.bytes);
  }
  if (!raw.ok) return fail(413, RESOURCE_EXHAUSTED, `request body larger than ${maxBytes} bytes`, raw.bytes);

  let body = raw.body;
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  try {
    // maxOutputLength stops a small gzip bomb from expanding past the body limit.
    if (encoding === 'gzip') body = gunzipSync(body, { maxOutputLength: maxBytes });
    else if (encoding === 'deflate') body = inflateSync(body, { maxOutputLength: maxBytes });
    else if (encoding !== 'identity' && encoding !== '') return fail(415, INVALID_ARGUMENT, `Content-Encoding ${encoding} is not supported (use gzip)`, raw.bytes);
  } catch (err) {
    if (/** @type {any} */ (err).code === 'ERR_BUFFER_TOO_LARGE') return fail(413, RESOURCE_EXHAUSTED, `decompressed body larger than ${maxBytes} bytes`, raw.bytes);
    return fail(400, INVALID_ARGUMENT, `body is not valid ${encoding}: ${/** @type {Error} */ (err).message}`, raw.bytes);
  }

  let decoded;
  try {
    decoded = format === 'json' ? decodeJson(body.toString('utf8')) : decodeProtobuf(body);
  } catch (err) {
    return fail(400, INVALID_ARGUMENT, `body is not an OTLP ExportTraceServiceRequest (${format}): ${/** @type {Error} */ (err).message}`, raw.bytes);
  }

  const defaults = { project: header(req, 'x-project'), source: header(req, 'x-source') };
  const reasons = decoded.rejected.map((r) => `span ${r.index}: ${r.reason}`);
  const accepted = [];
  for (const span of decoded.spans) {
    const m = mapSpan(span, defaults);
    if (m.ok) accepted.push(m.value);
    else reasons.push(`span ${span.spanId}: ${m.reason}`);
  }
  ingestor.accept(accepted);
  const rejected = reasons.length;
  // Enough reasons to debug with, not an unbounded answer.
  const message = rejected === 0 ? '' : `${rejected} span(s) rejected: ${reasons.slice(0, 5).join('; ')}${rejected > 5 ? '; ...' : ''}`;
  if (rejected > 0) log(`collector: OTLP ${message}`);
  send(200, encodeResponse(format, { rejected, message }), raw.bytes);
}

/** @param {import('node:http').IncomingMessage} req @param {string} name */
function header(req, name) {
  const v = req.headers[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * @param {import('node:http').IncomingMessage} req @param {number} limit
 * @returns {Promise<{ ok: boolean, body: Buffer, bytes: number }>}
 */
export async function readRaw(req, limit) {
  /** @type {Buffer[]} */
  const chunks = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += chunk.length;
    if (bytes <= limit) chunks.push(chunk);
  }
  return { ok: bytes <= limit, body: bytes <= limit ? Buffer.concat(chunks) : Buffer.alloc(0), bytes };
}
