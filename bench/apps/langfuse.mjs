// langfuse (v3 browser SDK): LangfuseWeb + one score.
import { LangfuseWeb } from 'langfuse';

new LangfuseWeb({ publicKey: 'pk-lf-bench', baseUrl: 'https://cloud.langfuse.com' }).score({
  traceId: 'trace-1', name: 'user-feedback', value: 1, comment: 'Spot on',
});
