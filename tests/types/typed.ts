// Issue 13.3, compiled with tsc --strict against the shipped .d.ts: a
// declared feedback shape (an interface, not only a type) is checked at
// compile time, helpers return Receipt, and error codes are string-literal
// unions, so a misspelt code does not compile. Every `@ts-expect-error`
// below must be an error, or tsc fails ("unused directive").
import {
  init,
  createFeedback,
  TraceFeedbackError,
  FeedbackValidationError,
  type ClientErrorCode,
  type ClientErrorEvent,
  type FeedbackClient,
  type FeedbackIssueCode,
  type PersistenceKind,
  type Receipt,
  type TraceFeedbackErrorCode,
} from 'trace-feedback';

/** Declared as an interface: no index signature (this was refused before). */
interface ChatFeedback {
  rating?: boolean;
  rating_withdrawn?: boolean;
  comment?: string;
  score?: number;
  actions?: { copied?: boolean; copy_count?: number };
  tags?: string[];
}

type ToolFeedback = { correct: boolean; notes?: string };

const EVENT = '123e4567-e89b-12d3-a456-426614174000';

export async function typed(): Promise<void> {
  const client: FeedbackClient<ChatFeedback> = await init<ChatFeedback>({
    endpoint: '/feedback',
    onError: (e: ClientErrorEvent<ChatFeedback>) => {
      const rating: boolean | undefined = e.feedback?.rating;
      console.log(rating, e.cause);
    },
  });
  const r: Receipt = client.enrichSpan({ eventId: EVENT, feedback: { rating: true, actions: { copied: true } } });
  client.enrichSession({ feedback: { comment: 'fine', tags: ['a'] } });
  // @ts-expect-error: rating is a boolean in ChatFeedback
  client.enrichSpan({ eventId: EVENT, feedback: { rating: 'up' } });
  // @ts-expect-error: not a field of ChatFeedback (a typo)
  client.enrichSpan({ eventId: EVENT, feedback: { ratng: true } });
  // @ts-expect-error: nested shapes are checked too
  client.enrichSession({ feedback: { actions: { copy_count: 'two' } } });

  // The helpers return the receipt (they returned unknown).
  const receipts: Receipt[] = [
    client.rate(EVENT, true),
    client.rate(null, null),
    client.score(EVENT, 4),
    client.comment(EVENT, 'ok'),
    client.action(EVENT, 'copy'),
    client.edit(EVENT, 'a', 'b'),
  ];
  const ids: string[] = receipts.map((x) => x.updateId).concat(r.updateId);
  const merged: boolean = receipts[0]!.merged;
  console.log(ids, merged);
  const first = client.pending()[0];
  const pendingRating: boolean | undefined = first?.feedback.rating;
  console.log(pendingRating);

  // A type alias works the same way.
  const tools = await init<ToolFeedback>({ endpoint: '/feedback' });
  tools.enrichSpan({ eventId: EVENT, feedback: { correct: true } });
  // @ts-expect-error: `correct` is required by ToolFeedback
  tools.enrichSpan({ eventId: EVENT, feedback: { notes: 'x' } });

  // Without a type argument: any JSON object, as before.
  const loose = await init();
  loose.enrichSpan({ eventId: EVENT, feedback: { anything: { nested: [1, 'two', true] } } });

  // stats().persistence is a union.
  const kind: PersistenceKind = client.stats().persistence;
  const known: 'indexeddb' | 'localstorage' | 'memory' | 'none' = kind;
  console.log(known);
  // @ts-expect-error: not a persistence kind
  if (client.stats().persistence === 'indexdb') console.log('never');

  client.onError((e) => {
    const code: ClientErrorCode = e.code;
    if (code === 'max_attempts' || code === 'unknown_event' || code === 'token_expired') console.log(e.updateId);
    // @ts-expect-error: a misspelt code does not compile
    if (e.code === 'rejectd') console.log('never');
  });

  try {
    client.enrichSpan({ eventId: 'nope', feedback: {} });
  } catch (e) {
    if (e instanceof FeedbackValidationError) {
      const c: FeedbackIssueCode | undefined = e.errors[0]?.code;
      const literal: 'invalid_feedback' = e.code;
      console.log(c, literal);
      // @ts-expect-error: a misspelt issue code does not compile
      if (e.errors[0]?.code === 'max_object_depht') console.log('never');
    } else if (e instanceof TraceFeedbackError) {
      const c: TraceFeedbackErrorCode = e.code;
      if (c === 'closed' || c === 'invalid_options') console.log(c);
      // @ts-expect-error: not a TraceFeedbackError code
      if (e.code === 'clozed') console.log('never');
    }
  }
  await Promise.all([client.close(), tools.close(), loose.close()]);
}

// The facade's handle is typed by the same shape: ready and client are FeedbackClient<F>.
export async function handleTyped(): Promise<void> {
  const handle = createFeedback<ChatFeedback>({ endpoint: '/feedback' });
  const client: FeedbackClient<ChatFeedback> = await handle.ready;
  client.enrichSession({ feedback: { rating: true } });
  // @ts-expect-error: rating is a boolean in ChatFeedback (checked through ready too)
  client.enrichSession({ feedback: { rating: 'yes' } });
  handle.client?.enrichSession({ feedback: { comment: 'ok' } });
  // @ts-expect-error: not a field of ChatFeedback (through client)
  handle.client?.enrichSession({ feedback: { ratting: true } });
}
