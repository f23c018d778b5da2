// @sentry/browser with the feedback integration: ready = init() returned.
import { init, feedbackIntegration, captureFeedback } from '@sentry/browser';

export function start(cfg) {
  const u = new URL(cfg.sink);
  init({ dsn: `http://key@${u.host}/1`, integrations: [feedbackIntegration({ autoInject: false })] });
  return { capture: (eventId, feedback) => captureFeedback({ message: feedback.comment ?? 'feedback', associatedEventId: eventId.replace(/-/g, '') }) };
}
