// init()'s options, checked once before anything starts: an unknown key
// (with the closest known name), a value outside its range or set, and a
// getter that throws are each refused with TraceFeedbackError
// `invalid_options` naming the path. The feedback limits and the engine's
// tunables (limits.*, delivery.* except timeoutMs) are checked by the core,
// their one owner; this file checks what only the shell reads.
import { TraceFeedbackError } from './errors.js';
import { isUuid } from './ids.js';

type Check = (value: unknown, path: string) => string | undefined;

const isFn = (v: unknown) => typeof v === 'function';
const str: Check = (v) => (typeof v === 'string' ? undefined : `expected a string, got ${kind(v)}`);
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : `expected true or false, got ${kind(v)}`);
const fn: Check = (v) => (isFn(v) ? undefined : `expected a function, got ${kind(v)}`);
const obj: Check = (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? undefined : `expected an object, got ${kind(v)}`);
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    values.includes(v as string) ? undefined : `expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}, got ${show(v)}`;
const either =
  (...checks: Check[]): Check =>
  (v, p) => {
    const errs = checks.map((c) => c(v, p));
    return errs.some((e) => e === undefined) ? undefined : errs.map((e) => (e ?? '').replace(/, got .*$/, '')).join(' or ') + `, got ${kind(v)}`;
  };
const integer =
  (min: number, max: number, unit = ''): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `expected a whole number from ${min} to ${max}${unit}, got ${show(v)}`;

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}
function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return kind(v);
}

/** Known keys of each object option; `null` means "checked elsewhere" (the core). */
const TOP: Record<string, Check> = {
  endpoint: str,
  transport: (v) => (isFn(v) ? undefined : oneOf('proxy', 'honeyhive')(v, '') && `expected "proxy", "honeyhive" or a function, got ${show(v)}`),
  apiKey: str,
  dangerouslyAllowBrowserKey: bool,
  serverUrl: str,
  legacy: bool,
  headers: either(obj, fn),
  token: either(str, fn),
  fetch: fn,
  sessionId: (v) => (isUuid(v) ? undefined : `expected a UUID like "123e4567-e89b-12d3-a456-426614174000", got ${show(v)}`),
  limits: obj,
  delivery: obj,
  persistence: oneOf('auto', 'indexeddb', 'localstorage', 'memory'),
  namespace: (v) => (typeof v === 'string' && v !== '' ? undefined : `expected a non-empty string, got ${show(v)}`),
  edits: obj,
  capture: obj,
  onDelivered: fn,
  onError: fn,
  debug: either(bool, fn),
  // LoadOptions, passed by init() in the same object.
  wasmUrl: (v) => (typeof v === 'string' || (typeof URL === 'function' && v instanceof URL) ? undefined : `expected a string or URL, got ${kind(v)}`),
  wasmBinary: (v) => (v instanceof ArrayBuffer || v instanceof Uint8Array ? undefined : `expected an ArrayBuffer or Uint8Array, got ${kind(v)}`),
  wasmModule: (v) => (typeof WebAssembly === 'object' && v instanceof WebAssembly.Module ? undefined : `expected a WebAssembly.Module, got ${kind(v)}`),
  // DiffLoadOptions (web/diff/loader.ts): the same, for trace_feedback_diff.wasm.
  diffWasmUrl: (v) => (typeof v === 'string' || (typeof URL === 'function' && v instanceof URL) ? undefined : `expected a string or URL, got ${kind(v)}`),
  diffWasmBinary: (v) => (v instanceof ArrayBuffer || v instanceof Uint8Array ? undefined : `expected an ArrayBuffer or Uint8Array, got ${kind(v)}`),
};

// Delivery keys other than timeoutMs go to the engine, which owns their
// names and ranges (and names the closest key for a typo): `*` lets them by.
export const MAX_TIMEOUT_MS = 600000;
const DELIVERY: Record<string, Check | null> = {
  '*': null,
  timeoutMs: integer(1, MAX_TIMEOUT_MS, ' ms'),
};
const CAPTURE: Record<string, Check | null> = {
  namespace: null, includeEditText: null, includeCopiedText: null, editDebounceMs: null, countersStorage: null,
};
const EDITS: Record<string, Check | null> = { includeText: bool, maxSegments: null, maxSegmentChars: null };
const NESTED: Record<string, Record<string, Check | null>> = { delivery: DELIVERY, capture: CAPTURE, edits: EDITS };

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const al = a.toLowerCase();
  const bl = b.toLowerCase();
  let prev = Array.from({ length: bl.length + 1 }, (_, i) => i);
  for (let i = 1; i <= al.length; i++) {
    const cur = [i];
    for (let j = 1; j <= bl.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (al[i - 1] === bl[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[bl.length] as number;
}

export function closestName(name: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function fail(path: string, what: string): never {
  throw new TraceFeedbackError('invalid_options', `${path}: ${what} (invalid_options)`);
}

/** Reads every own key once (a throwing getter is refused here, not later). */
function snapshot(value: object, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (e) {
    fail(path, `listing the keys threw (${String(e)})`);
  }
  for (const key of keys) {
    try {
      out[key] = (value as Record<string, unknown>)[key];
    } catch (e) {
      fail(`${path}.${key}`, `reading the option threw (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return out;
}

function checkKeys(values: Record<string, unknown>, schema: Record<string, Check | null>, path: string): void {
  const known = Object.keys(schema).filter((k) => k !== '*');
  for (const [key, value] of Object.entries(values)) {
    if (!(key in schema) && !('*' in schema)) {
      const hint = closestName(key, known);
      fail(`${path}.${key}`, `unknown option${hint ? ` (did you mean ${path === 'options' ? '' : `${path.slice('options.'.length)}.`}${hint}?)` : ''}`);
    }
    if (value === undefined) continue;
    const check = schema[key];
    const bad = check ? check(value, `${path}.${key}`) : undefined;
    if (bad) fail(`${path}.${key}`, bad);
  }
}

const checked = new WeakMap<object, Record<string, unknown>>();

/**
 * The options as checked: a plain copy whose getters were each read once.
 * The same object is returned for the same input, so init()'s steps agree.
 */
export function checkOptions<T extends object>(options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) fail('options', `expected an object, got ${kind(options)}`);
  const hit = checked.get(options);
  if (hit) return hit as T;
  const top = snapshot(options, 'options');
  checkKeys(top, TOP, 'options');
  for (const [key, schema] of Object.entries(NESTED)) {
    const v = top[key];
    if (v === undefined) continue;
    const nested = snapshot(v as object, `options.${key}`);
    checkKeys(nested, schema, `options.${key}`);
    top[key] = nested;
  }
  if (top.limits !== undefined) top.limits = snapshot(top.limits as object, 'options.limits');
  checked.set(options, top);
  return top as T;
}
