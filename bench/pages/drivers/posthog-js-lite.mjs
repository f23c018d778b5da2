// posthog-js-lite: ready = constructed (no async start).
import PostHog from 'posthog-js-lite';

export function start(cfg) {
  const ph = new PostHog('phc_bench', { host: cfg.sink });
  return { capture: (eventId, feedback) => ph.capture('llm_feedback', { event_id: eventId, ...feedback }) };
}
