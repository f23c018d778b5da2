// Deep merge used for feedback/metadata/metrics/config/user_properties,
// mirroring how HoneyHive merges an UpdateEventRequest into a stored event:
// objects merge key by key (recursively), any other value (scalar, null,
// array) from the later patch replaces what was there.

/** @param {unknown} v @returns {v is Record<string, unknown>} */
export function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Returns a new object; neither argument is modified.
 * @param {Record<string, unknown> | null | undefined} base
 * @param {Record<string, unknown>} patch
 * @returns {Record<string, unknown>}
 */
export function deepMerge(base, patch) {
  const out = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(patch)) {
    // "__proto__" as an own key of parsed JSON would otherwise re-parent `out`.
    if (key === '__proto__') continue;
    const prev = out[key];
    out[key] = isPlainObject(value) && isPlainObject(prev) ? deepMerge(prev, value) : value;
  }
  return out;
}
