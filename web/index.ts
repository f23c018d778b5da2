/**
 * The default entry: `createFeedback()` (a handle usable at once; the rest loads lazily), `init()`, validation and the error classes.
 *
 * @packageDocumentation
 * @module trace-feedback
 */
// trace-feedback: capture end-user feedback on LLM answers in the browser
// and attach it to the backend's HoneyHive trace.
//
//   const feedback = createFeedback({ endpoint: '/feedback' });   // returns at once
//   feedback.linkFromResponse(await fetch('/api/chat', ...));
//   feedback.enrichSpan({ eventId, feedback: { rating: true } });
//
// This entry stays small: nothing here imports the client, the wasm core
// or delivery statically (a re-export alone would pull them into the
// bundler's first chunk). They sit behind a dynamic import() of
// entry/start.ts, reached by createFeedback(), init() and loadCore().
// `trace-feedback/full` re-exports everything statically (FeedbackClient,
// the transports) for Node and for apps that want no lazy loading.
import { preloaded } from './entry/lazy.js';

export { init, loadCore } from './entry/lazy.js';

// Node has no first paint to protect: load the core-bearing part now, so
// validateFeedback works synchronously from the first line, as before.
const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
if (proc?.versions?.node && typeof (globalThis as { window?: unknown }).window === 'undefined') {
  preloaded(await import('./entry/start.js'));
}

export type { InitOptions } from './entry/options.js';
export type { LoadOptions } from './core/loader.js';
export type { CoreModule } from './core/module.js';
export { createFeedback, type FeedbackHandle } from './facade.js';
export { validateFeedback } from './entry/validate.js';
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
  FeedbackClient,
  FeedbackValue,
  FlushReport,
  PendingUpdate,
  Receipt,
} from './client.js';
export {
  FeedbackValidationError,
  TraceFeedbackError,
  type FeedbackIssue,
  type FeedbackIssueCode,
  type TraceFeedbackErrorCode,
} from './errors.js';
export { isUuid } from './ids.js';
export { parseBaggage, sessionFromBaggage, BAGGAGE_SESSION_KEYS } from './session.js';
export type { FeedbackLimits, ValidationResult } from './validate/index.js';
export type { ProxyTransportOptions } from './transport/proxy.js';
export type { HoneyHiveTransportOptions } from './transport/honeyhive.js';
export type { Transport, WireRequest, WireResult, WireUpdate, SendOptions, FetchLike } from './transport/types.js';
export type { Target, CaptureOptions, CapturedState } from './capture/index.js';
