// @langfuse/client (v4+): ready = constructed.
import { LangfuseClient } from '@langfuse/client';

export function start(cfg) {
  const lf = new LangfuseClient({ publicKey: 'pk-lf-bench', secretKey: 'sk-lf-bench', baseUrl: cfg.sink });
  return {
    capture: (eventId, feedback) =>
      lf.score.create({ traceId: eventId, name: 'user-feedback', value: feedback.score ?? 0, comment: feedback.comment }),
  };
}
