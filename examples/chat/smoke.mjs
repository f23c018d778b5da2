// A scripted visit without a browser: asks one question through the demo's
// real HTTP endpoints, sends a thumbs-up through /feedback at once exactly as
// the page's library would (proxy wire format), and, while the answer's span
// is still in the backend's exporter or inside the collector's ingest lag
// (404 unknown_event), retries as the library's settle window does. Then
// reads back the collector's row: the backend's span feedback and the
// rating on the same event. Used by `scripts/demo.sh --smoke` and the tests.

import { randomUUID } from 'node:crypto';

export const SMOKE_QUESTION = 'What is the capital of New York?';

/**
 * @param {{ url: string, collector: { url: string } }} demo
 * @param {{ question?: string, settleMs?: number, retryMs?: number }} [options]
 *   settleMs: how long 404s are retried (the span must arrive by then); retryMs: between attempts
 * @returns {Promise<{ sessionId: string, eventId: string, answer: string, delivery: any, row: any, notYet: number }>}
 */
export async function runSmoke(demo, { question = SMOKE_QUESTION, settleMs = 60_000, retryMs = 500 } = {}) {
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

  // One update id for every attempt: the proxy may deduplicate by it, as it does for the library's retries.
  const updateId = `smoke-${randomUUID()}`;
  const deadline = Date.now() + settleMs;
  let notYet = 0;
  let delivery;
  for (;;) {
    const fb = await fetch(`${demo.url}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ updates: [{ id: updateId, event_id: eventId, feedback: { rating: true } }] }),
    });
    delivery = await fb.json();
    const status = delivery.results?.[0]?.status;
    if (fb.ok && status === 200) break;
    // 404: the span is not ingested yet. Anything else is a real failure.
    if (!fb.ok || status !== 404 || Date.now() > deadline) {
      throw new Error(`POST /feedback did not apply the rating: ${fb.status} ${JSON.stringify(delivery)}${notYet ? ` after ${notYet} "not yet" answers` : ''}`);
    }
    notYet++;
    await new Promise((r) => setTimeout(r, retryMs));
  }

  // The collector's read API (no key needed), as the dashboard reads it.
  const read = await fetch(`${demo.collector.url}/api/events/${eventId}`);
  if (!read.ok) throw new Error(`collector has no row for ${eventId}: ${read.status}`);
  const { event: row } = await read.json();
  if (row.feedback?.rating !== true) throw new Error(`collector row has no rating: ${JSON.stringify(row.feedback)}`);
  if (row.feedback?.backend?.known_question !== true) throw new Error(`collector row lacks the backend's span feedback: ${JSON.stringify(row.feedback)}`);
  return { sessionId, eventId, answer, delivery, row, notYet };
}
