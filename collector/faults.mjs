// Fault injection for the collector's write endpoints, so tests of retrying
// clients (the proxy, the browser transport) can script an unreliable
// HoneyHive: N failures with a status (and Retry-After), N dropped
// connections, N delayed answers. Rules are consumed in the order added;
// an optional eventId limits a rule to requests about that event.

/**
 * @typedef {object} FaultSpec
 * @property {number} [failNext]   answer the next N matching writes with `status`
 * @property {number} [status]     status for failNext (default 503)
 * @property {string} [retryAfter] Retry-After header for failNext (seconds or HTTP-date)
 * @property {unknown} [body]      JSON body for failNext (default {error: ...})
 * @property {number} [dropNext]   destroy the socket of the next N matching writes without answering
 * @property {number} [delayMs]    delay matching writes by this many ms ...
 * @property {number} [delayNext]  ... for the next N of them (default: until cleared)
 * @property {string} [eventId]    only requests whose event_id is this one
 * @property {boolean} [clear]     remove every rule (applied before the rest of the spec)
 */

/**
 * @typedef {object} FaultRule
 * @property {'fail' | 'drop' | 'delay'} kind
 * @property {number} remaining   Infinity for an open-ended delay
 * @property {number} [status]
 * @property {string} [retryAfter]
 * @property {unknown} [body]
 * @property {number} [delayMs]
 * @property {string} [eventId]
 */

/** @param {unknown} n @param {string} name */
function count(n, name) {
  if (!Number.isInteger(n) || /** @type {number} */ (n) < 0) throw new TypeError(`${name} must be a non-negative integer`);
  return /** @type {number} */ (n);
}

export function createFaults() {
  /** @type {FaultRule[]} */
  let rules = [];

  return {
    /**
     * Adds the rules a spec describes. Throws TypeError on a malformed spec.
     * @param {FaultSpec} spec
     */
    add(spec) {
      if (typeof spec !== 'object' || spec === null) throw new TypeError('fault spec must be an object');
      /** @type {FaultRule[]} */
      const added = [];
      const eventId = spec.eventId;
      if (eventId !== undefined && typeof eventId !== 'string') throw new TypeError('eventId must be a string');
      if (spec.failNext !== undefined) {
        const status = spec.status ?? 503;
        if (!Number.isInteger(status) || status < 100 || status > 599) throw new TypeError('status must be an HTTP status');
        if (spec.retryAfter !== undefined && typeof spec.retryAfter !== 'string' && typeof spec.retryAfter !== 'number') {
          throw new TypeError('retryAfter must be a string (seconds or HTTP-date)');
        }
        added.push({
          kind: 'fail', remaining: count(spec.failNext, 'failNext'), status,
          retryAfter: spec.retryAfter === undefined ? undefined : String(spec.retryAfter), body: spec.body, eventId,
        });
      }
      if (spec.dropNext !== undefined) added.push({ kind: 'drop', remaining: count(spec.dropNext, 'dropNext'), eventId });
      if (spec.delayMs !== undefined) {
        added.push({
          kind: 'delay', delayMs: count(spec.delayMs, 'delayMs'), eventId,
          remaining: spec.delayNext === undefined ? Infinity : count(spec.delayNext, 'delayNext'),
        });
      }
      if (spec.clear) rules = [];
      else if (added.length === 0) throw new TypeError('fault spec names no fault (failNext, dropNext, delayMs, clear)');
      rules.push(...added.filter((r) => r.remaining > 0));
    },

    clear() { rules = []; },

    /** Pending rules, for GET /_faults and assertions. */
    list() { return rules.map((r) => ({ ...r, remaining: r.remaining === Infinity ? null : r.remaining })); },

    /**
     * Consumes the rules that apply to one request: at most one delay and
     * then at most one of drop/fail (drop first, it is the harsher fault).
     * @param {string | undefined} eventId
     * @returns {{ delayMs: number, drop: boolean, fail?: FaultRule }}
     */
    take(eventId) {
      const matches = (/** @type {FaultRule} */ r) => r.remaining > 0 && (r.eventId === undefined || r.eventId === eventId);
      const out = { delayMs: 0, drop: false, fail: /** @type {FaultRule | undefined} */ (undefined) };
      const delay = rules.find((r) => r.kind === 'delay' && matches(r));
      if (delay) { delay.remaining -= 1; out.delayMs = delay.delayMs ?? 0; }
      const hit = rules.find((r) => r.kind !== 'delay' && matches(r));
      if (hit) {
        hit.remaining -= 1;
        if (hit.kind === 'drop') out.drop = true;
        else out.fail = hit;
      }
      rules = rules.filter((r) => r.remaining > 0);
      return out;
    },
  };
}

/** @typedef {ReturnType<typeof createFaults>} Faults */
