// trace-feedback: capture end-user feedback on LLM answers in the browser
// and attach it to the backend's HoneyHive trace.
//
//   const client = await init({ endpoint: '/feedback' });
//   client.linkFromResponse(await fetch('/api/chat', ...));
//   client.enrichSpan({ eventId, feedback: { rating: true } });
import { FeedbackClient, transportFor, type ClientOptions, type Feedback } from './client.js';
import { loadCore, type LoadOptions } from './core/loader.js';

export interface InitOptions<F extends object = Feedback> extends ClientOptions<F>, LoadOptions {}

/**
 * Loads the wasm core (once per page; later calls reuse it) and starts a
 * client: persistence opened, queues of closed tabs adopted, delivery loop
 * running. Rejects with TraceFeedbackError on bad options or a wasm that
 * cannot load.
 */
export async function init<F extends object = Feedback>(options: InitOptions<F> = {}): Promise<FeedbackClient<F>> {
  const { transport, oneUpdatePerRequest } = transportFor(options as ClientOptions);
  const module = await loadCore(options);
  const client = new FeedbackClient<F>(module, options, transport, oneUpdatePerRequest);
  await client.start(options);
  return client;
}

export { FeedbackClient, transportFor };
export type {
  ClientOptions,
  ClientErrorCode,
  ClientErrorEvent,
  PersistenceKind,
  DeliveredEvent,
  DeliveryOptions,
  DeliveryStats,
  EditDiffOptions,
  Feedback,
  FeedbackValue,
  FlushReport,
  PendingUpdate,
  Receipt,
} from './client.js';
export { loadCore, type LoadOptions } from './core/loader.js';
export {
  FeedbackValidationError,
  TraceFeedbackError,
  type FeedbackIssue,
  type FeedbackIssueCode,
  type TraceFeedbackErrorCode,
} from './errors.js';
export { isUuid } from './ids.js';
export { parseBaggage, sessionFromBaggage, BAGGAGE_SESSION_KEYS } from './session.js';
export { validateFeedback, type FeedbackLimits, type ValidationResult } from './validate/index.js';
export { proxyTransport, type ProxyTransportOptions } from './transport/proxy.js';
export { honeyhiveTransport, type HoneyHiveTransportOptions } from './transport/honeyhive.js';
export type { Transport, WireRequest, WireResult, WireUpdate, SendOptions, FetchLike } from './transport/types.js';
export type { Target, CaptureOptions } from './capture/index.js';
