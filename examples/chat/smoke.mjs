// A scripted visit without a browser: asks one question through the demo's
// real HTTP endpoints, sends a thumbs-up through /feedback exactly as the
// page's library would (proxy wire format), and reads back the collector's
// row for the answer. Used by `scripts/demo.sh --smoke` and the tests.

import { randomUUID } from 'node:crypto';

export const SMOKE_QUESTION = 'What is the capital of New York?';

/**
 * @param {{ url: string, collector: { url: string } }} demo
 * @param {{ question?: string }} [options]
 * @returns {Promise<{ sessionId: string, eventId: string, answer: string, delivery: any, row: any }>}
 */
export async function runSmoke(demo, { question = SMOKE_QUESTION } = {}) {
  const chat = await fetch(`${demo.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question }),
  });
  if (!chat.ok) throw new Error(`POST /api/chat answered ${chat.status}: ${await chat.text()}`);
  const { answer, event_id: eventId } = await chat.json();
  const baggage = chat.headers.get('baggage') ?? '';
  const sessionId = /(?:^|,)\s*session_id=([^,;\s]+)/.exec(baggage)?.[1];
  if (!sessionId) throw new Error(`no session_id in the baggage header: ${JSON.stringify(baggage)}`);

  const fb = await fetch(`${demo.url}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ updates: [{ id: `smoke-${randomUUID()}`, event_id: eventId, feedback: { rating: true } }] }),
  });
  const delivery = await fb.json();
  if (!fb.ok || delivery.results?.[0]?.status !== 200) {
    throw new Error(`POST /feedback did not apply the rating: ${fb.status} ${JSON.stringify(delivery)}`);
  }

  // The collector's read API (no key needed), as the dashboard reads it.
  const read = await fetch(`${demo.collector.url}/api/events/${eventId}`);
  if (!read.ok) throw new Error(`collector has no row for ${eventId}: ${read.status}`);
  const { event: row } = await read.json();
  if (row.feedback?.rating !== true) throw new Error(`collector row has no rating: ${JSON.stringify(row.feedback)}`);
  return { sessionId, eventId, answer, delivery, row };
}
