// Request-body validation against the project's copy of HoneyHive's schemas
// (schema/honeyhive.schema.json). Errors come back as a short message that
// names the offending field, like the real API's 400 answers.

import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';

const here = new URL('./schema/', import.meta.url);
/** The parsed HoneyHive schema file ($defs by component name). */
export const honeyhiveSchema = JSON.parse(readFileSync(new URL('honeyhive.schema.json', here), 'utf8'));
/** The parsed batch-endpoint schema file (the proxy's wire format). */
export const feedbackBatchSchema = JSON.parse(readFileSync(new URL('feedback-batch.schema.json', here), 'utf8'));

export const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

// strict: false because the copied spec text carries keywords strict mode
// rejects (e.g. `deprecated` next to `type`); allErrors so a 400 lists every
// problem at once.
const ajv = new (/** @type {any} */ (Ajv2020).default ?? Ajv2020)({ strict: false, allErrors: true });
ajv.addSchema(honeyhiveSchema);
ajv.addSchema(feedbackBatchSchema);

/** @type {Map<string, import('ajv').ValidateFunction>} */
const compiled = new Map();

/**
 * @param {'honeyhive' | 'feedback-batch'} file
 * @param {string} def a $defs name, e.g. 'UpdateEventRequest'
 */
function validatorFor(file, def) {
  const ref = `urn:trace-feedback:schema:${file}#/$defs/${def}`;
  let v = compiled.get(ref);
  if (!v) {
    v = ajv.getSchema(ref);
    if (!v) throw new Error(`no schema ${ref}`);
    compiled.set(ref, v);
  }
  return v;
}

/**
 * @typedef {{ path: string, message: string }} ValidationIssue
 */

/**
 * Validates `value` against a $defs entry.
 * @param {string} def
 * @param {unknown} value
 * @param {'honeyhive' | 'feedback-batch'} [file]
 * @returns {{ ok: true } | { ok: false, message: string, issues: ValidationIssue[] }}
 */
export function validate(def, value, file = 'honeyhive') {
  const v = validatorFor(file, def);
  if (v(value)) return { ok: true };
  const issues = (v.errors ?? []).map((e) => {
    const path = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : '';
    if (e.keyword === 'required') return { path: [path, e.params.missingProperty].filter(Boolean).join('.'), message: 'is required' };
    if (e.keyword === 'additionalProperties') {
      return { path: [path, e.params.additionalProperty].filter(Boolean).join('.'), message: 'is not an allowed property' };
    }
    if (e.keyword === 'pattern' && /(^|\.)(event_id|session_id|parent_id)$/.test(path)) return { path, message: 'must be a UUID' };
    if (e.keyword === 'enum') return { path, message: `must be one of ${e.params.allowedValues.join(', ')}` };
    return { path: path || '(body)', message: e.message ?? 'is invalid' };
  });
  return { ok: false, message: issues.map((i) => `${i.path} ${i.message}`).join('; '), issues };
}
