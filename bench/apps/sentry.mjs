// @sentry/browser with its user-feedback integration: init + one captureFeedback.
import { init, feedbackIntegration, captureFeedback } from '@sentry/browser';

init({ dsn: 'https://key@o1.ingest.sentry.io/1', integrations: [feedbackIntegration({ autoInject: false })] });
captureFeedback({ message: 'Spot on', name: 'user' });
