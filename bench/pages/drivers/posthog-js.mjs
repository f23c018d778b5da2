// posthog-js with its defaults: ready = the `loaded` callback.
import posthog from 'posthog-js';

export function start(cfg) {
  return new Promise((resolve) => {
    posthog.init('phc_bench', {
      api_host: cfg.sink,
      loaded: (ph) =>
        resolve({
          capture: (eventId, feedback) => ph.capture('llm_feedback', { event_id: eventId, ...feedback }),
        }),
    });
  });
}
