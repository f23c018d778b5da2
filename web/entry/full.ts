/**
 * Everything with static imports (the client class, transports, synchronous loader), for Node or apps that want no lazy loading.
 *
 * @packageDocumentation
 * @module trace-feedback/full
 */
// trace-feedback/full: the whole library with static imports (the client,
// the transports, the core loader, synchronous validation), for Node and
// for apps that prefer one chunk over lazy loading. The default entry
// ('trace-feedback') is the lean one; both share one core per page.

/**
 * The client class (`init()` creates it), for `instanceof` checks.
 *
 * @example
 * ```ts
 * import { init } from 'trace-feedback';
 * import { FeedbackClient } from 'trace-feedback/full';
 * (await init()) instanceof FeedbackClient; // true
 * ```
 */
export { FeedbackClient, transportFor } from '../client.js';
export { loadCore } from '../core/loader.js';
export { validateFeedback } from '../validate/index.js';
export { proxyTransport } from '../transport/proxy.js';
export { honeyhiveTransport } from '../transport/honeyhive.js';
export { init, createFeedback, FeedbackValidationError, TraceFeedbackError, isUuid, parseBaggage, sessionFromBaggage, BAGGAGE_SESSION_KEYS } from '../index.js';
export type * from '../index.js';
