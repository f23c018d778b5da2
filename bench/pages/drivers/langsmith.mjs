// langsmith: ready = Client constructed.
import { Client } from 'langsmith';

export function start(cfg) {
  const client = new Client({ apiUrl: cfg.sink, apiKey: 'ls-bench' });
  return {
    capture: (eventId, feedback) => client.createFeedback(eventId, 'user-feedback', { score: feedback.score, comment: feedback.comment }),
  };
}
