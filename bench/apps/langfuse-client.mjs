// @langfuse/client (v4+ SDK): client + one score.
import { LangfuseClient } from '@langfuse/client';

const langfuse = new LangfuseClient({ publicKey: 'pk-lf-bench', baseUrl: 'https://cloud.langfuse.com' });
langfuse.score.create({ traceId: 'trace-1', name: 'user-feedback', value: 1, comment: 'Spot on' });
