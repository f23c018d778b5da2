// trace-feedback/server: what an app's server needs to receive feedback
// batches from the page and forward them to HoneyHive with its own key.

export { createProxyHandler, startProxyServer, DEFAULT_HONEYHIVE_URL } from './proxy.js';
export type { ProxyOptions, ProxyHandler, ProxyServer, ProxyErrorContext, AuthorizeResult } from './proxy.js';
export { MemoryIdempotencyStore, idempotencyKey } from './idempotency.js';
export type { IdempotencyStore, MemoryIdempotencyOptions } from './idempotency.js';
export { checkUpdate, parseBatch, isUuid, isRetryableStatus, MAX_UPDATE_ID_LENGTH } from './batch.js';
export type { FeedbackUpdate, FeedbackBatch, UpdateResult, BatchResponse } from './batch.js';
export { mintFeedbackToken, verifyFeedbackToken, tokenPolicy } from './token.js';
export type { FeedbackTokenClaims, MintOptions, TokenCheck, TokenPolicyOptions } from './token.js';
export { RateLimiter, type RateLimitOptions } from './ratelimit.js';
