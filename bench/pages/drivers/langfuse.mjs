// langfuse v3 LangfuseWeb: ready = constructed; feedback = a score.
import { LangfuseWeb } from 'langfuse';

export function start(cfg) {
  const lf = new LangfuseWeb({ publicKey: 'pk-lf-bench', baseUrl: cfg.sink });
  return {
    capture: (eventId, feedback) =>
      lf.score({ traceId: eventId, name: 'user-feedback', value: feedback.score ?? (feedback.rating ? 1 : 0), comment: feedback.comment }),
  };
}
