// The minimal consumer app of trace-feedback: init + one enrichSpan.
import { init } from 'trace-feedback';

const client = await init({ endpoint: '/feedback' });
client.enrichSpan({
  eventId: '0b6c1a52-6e3f-4f6a-9a57-3f4f2c1d8e10',
  feedback: { rating: true, score: 4, comment: 'Spot on', actions: { copied: true, copy_count: 2 } },
});
