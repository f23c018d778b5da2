// The WireRequest a transport receives, made from what the core built
// (boundary.ts's ReadyRequest). The built-in transports send the core's
// text unchanged (`body`, or the per-update bodies of the HoneyHive wire);
// `updates` is parsed from that text only when something reads it (a
// custom transport, a debug log), so the default path parses nothing.
import type { ReadyRequest, Wire } from '../core/boundary.js';
import { UPDATE_BODIES, type WireRequest, type WireUpdate } from '../transport/types.js';

export function wireRequest(ready: ReadyRequest, wire: Wire): WireRequest {
  const request = { id: ready.id, bytes: ready.bytes } as WireRequest;
  if (wire === 'proxy') request.body = ready.bodies[0];
  else Object.defineProperty(request, UPDATE_BODIES, { value: { ids: ready.ids, eventIds: ready.eventIds, bodies: ready.bodies } });
  let updates: WireUpdate[] | undefined;
  // Enumerable, so a transport that spreads or stringifies the request still sees it.
  Object.defineProperty(request, 'updates', {
    enumerable: true,
    configurable: true,
    get: () => (updates ??= parseUpdates(ready, wire)),
    set: (v: WireUpdate[]) => (updates = v),
  });
  return request;
}

function parseUpdates(ready: ReadyRequest, wire: Wire): WireUpdate[] {
  if (wire === 'proxy') return (JSON.parse(ready.bodies[0]) as { updates: WireUpdate[] }).updates;
  return ready.bodies.map((body, i) => ({
    id: ready.ids[i],
    event_id: ready.eventIds[i],
    feedback: (JSON.parse(body) as { feedback: Record<string, unknown> }).feedback,
  }));
}
