// The project's copy of HoneyHive's schemas (collector/schema/) must agree
// with the published OpenAPI file where that file is available: same
// required properties and same property types for every body it carries.
// Also checks the batch-endpoint schema's own examples.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { honeyhiveSchema, validate } from '../../collector/validate.mjs';

const specPath = fileURLToPath(new URL('../../../shared/honeyhive/data_plane_openapi.yaml', import.meta.url));
const haveSpec = existsSync(specPath);
const skip = haveSpec ? false : `HoneyHive spec not found at ${specPath} (only present next to the development checkout)`;

/** Types of a property as a sorted list ('any' when untyped). @param {any} p */
const typesOf = (p) => (p.type === undefined ? ['any'] : [p.type].flat().sort());

test('carried HoneyHive schemas agree with data_plane_openapi.yaml', { skip }, () => {
  const spec = parse(readFileSync(specPath, 'utf8'));
  const specSchemas = spec.components.schemas;
  const ours = honeyhiveSchema.$defs;
  const carried = Object.keys(ours).filter((n) => n !== 'Uuid');
  assert.ok(carried.length >= 6);
  for (const name of carried) {
    const theirs = specSchemas[name];
    assert.ok(theirs, `${name} exists in the spec`);
    const mine = ours[name];
    assert.deepEqual([...(mine.required ?? [])].sort(), [...(theirs.required ?? [])].sort(), `${name}.required`);
    assert.deepEqual(Object.keys(mine.properties).sort(), Object.keys(theirs.properties).sort(), `${name} properties`);
    for (const [prop, def] of Object.entries(theirs.properties)) {
      assert.deepEqual(typesOf(mine.properties[prop]), typesOf(def), `${name}.${prop} type`);
      assert.deepEqual(mine.properties[prop].enum, /** @type {any} */ (def).enum, `${name}.${prop} enum`);
      assert.deepEqual(typesOf(mine.properties[prop].items ?? {}), typesOf(/** @type {any} */ (def).items ?? {}), `${name}.${prop} items`);
    }
    assert.deepEqual(mine.additionalProperties, theirs.additionalProperties, `${name}.additionalProperties`);
  }
});

test('the spec still routes feedback updates the way the collector implements them', { skip }, () => {
  const spec = parse(readFileSync(specPath, 'utf8'));
  const ref = (/** @type {any} */ op) => op.requestBody.content['application/json'].schema.$ref.split('/').pop();
  assert.equal(ref(spec.paths['/v1/events/{event_id}'].put), 'UpdateEventRequest');
  assert.equal(spec.paths['/v1/events/{event_id}'].put.parameters[0].schema.format, 'uuid');
  assert.equal(ref(spec.paths['/events'].put), 'LegacyUpdateEventRequest');
  assert.equal(ref(spec.paths['/v1/sessions'].post), 'StartSessionRequest');
  assert.equal(ref(spec.paths['/v1/events'].post), 'PostEventRequest');
  assert.deepEqual(spec.security, [{ BearerAuth: [] }]);
});

test('the batch-endpoint schema accepts the documented shape and rejects bad updates', () => {
  const id = '7f22137a-6911-4ed3-bc36-110f1dde6b66';
  assert.ok(validate('FeedbackBatchRequest', { updates: [{ id: 'u1', event_id: id, feedback: { rating: 1 } }] }, 'feedback-batch').ok);
  assert.ok(validate('FeedbackBatchRequest', { updates: [], token: 't' }, 'feedback-batch').ok);
  assert.ok(!validate('FeedbackBatchRequest', {}, 'feedback-batch').ok);
  assert.ok(!validate('FeedbackBatchRequest', { updates: [{ id: '', event_id: id, feedback: {} }] }, 'feedback-batch').ok);
  assert.ok(!validate('FeedbackBatchRequest', { updates: [{ id: 'x'.repeat(129), event_id: id, feedback: {} }] }, 'feedback-batch').ok);
  assert.ok(!validate('FeedbackBatchRequest', { updates: [{ id: 'u', event_id: 'nope', feedback: {} }] }, 'feedback-batch').ok);
  assert.ok(!validate('FeedbackBatchRequest', { updates: [{ id: 'u', event_id: id, feedback: [] }] }, 'feedback-batch').ok);
  assert.ok(validate('FeedbackBatchResponse', { results: [{ id: 'u1', status: 503, error: 'x', retryAfter: '2' }] }, 'feedback-batch').ok);
});
