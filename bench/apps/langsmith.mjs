// langsmith: Client + one createFeedback.
import { Client } from 'langsmith';

const client = new Client({ apiUrl: 'https://api.smith.langchain.com', apiKey: 'ls-bench' });
await client.createFeedback('0b6c1a52-6e3f-4f6a-9a57-3f4f2c1d8e10', 'user-feedback', { score: 1, comment: 'Spot on' });
