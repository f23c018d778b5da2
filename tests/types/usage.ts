// Compiled with tsc --strict against the shipped .d.ts (tests/types/check.sh):
// the public API as a user writes it. A rename or a loosened type fails here.
import {
  init,
  validateFeedback,
  FeedbackValidationError,
  TraceFeedbackError,
  type FeedbackClient,
  type FeedbackIssue,
  type Feedback,
  type Receipt,
  type DeliveryStats,
  type FlushReport,
  type ValidationResult,
} from 'trace-feedback';

async function main(): Promise<void> {
  const client: FeedbackClient = await init({ endpoint: '/api/feedback', limits: { scoreMin: 1, scoreMax: 5 } });
  const feedback: Feedback = { rating: true, score: 4, comment: 'ok', actions: { copied: true }, edits: [{ value: 'x' }] };
  const result: ValidationResult = validateFeedback(feedback);
  const issues: FeedbackIssue[] = result.errors;
  console.log(issues.map((i) => `${i.path} ${i.code} ${i.message}`));
  try {
    const r: Receipt = client.enrichSpan({ eventId: '123e4567-e89b-12d3-a456-426614174000', feedback });
    const id: string = r.updateId;
    const waiting: boolean = r.waitingForSession;
    console.log(id, waiting, r.eventId === null ? 'session unknown' : r.eventId);
    client.enrichSession({ feedback: { rating: false } });
    client.enrichSession({ feedback: { rating: false }, sessionId: '123e4567-e89b-12d3-a456-426614174000' });
  } catch (e) {
    if (e instanceof FeedbackValidationError) {
      const first: FeedbackIssue | undefined = e.errors[0];
      console.log(first?.path, e.path, e.code);
    } else if (e instanceof TraceFeedbackError) {
      console.log(e.code);
    }
  }
  client.setSession('123e4567-e89b-12d3-a456-426614174000');
  const linked: string | undefined = client.linkFromResponse(new Headers({ baggage: 'session_id=x' }));
  console.log(linked, client.sessionId, client.traceparent);
  const stats: DeliveryStats = client.stats();
  const report: FlushReport = await client.flush();
  console.log(stats.queued, stats.sent, report.delivered, client.pending().length);
  const off = client.onError((e) => console.log(e.code, e.message));
  off();
  client.attach(document);
  client.rate(null, true);
  client.detach();
  await client.close();
}

// @ts-expect-error: feedback must be an object of JSON values
validateFeedback.call(null, 1, { maxObjectDepth: 'five' });
// @ts-expect-error: enrichSpan needs an eventId
void (async () => (await init()).enrichSpan({ feedback: { rating: true } }))();

void main();
