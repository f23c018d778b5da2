// trace-feedback through the lean facade: ready = createFeedback() returned
// (synchronous; calls are recorded), the wasm and the client load after the
// page's `load` event or on first use. `loaded` resolves when they have.
import { createFeedback } from 'trace-feedback';

export function start(cfg) {
  const errors = {};
  const feedback = createFeedback({
    endpoint: '/feedback',
    ...(cfg.namespace ? { namespace: cfg.namespace } : {}),
    onError: (e) => { errors[e.code] = (errors[e.code] ?? 0) + 1; },
  });
  return {
    feedback,
    errors,
    loaded: () => feedback.ready.then(() => undefined),
    capture: (eventId, fb) => feedback.enrichSpan({ eventId, feedback: fb }),
    flush: () => feedback.flush(),
    stats: () => feedback.stats(),
  };
}
