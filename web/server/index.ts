// trace-feedback/server: what an app's server needs to receive feedback
// batches from the page and forward them to HoneyHive with its own key.

export { createProxyHandler, startProxyServer } from './proxy.js';
export type { ProxyHandler, ProxyServer } from './proxy.js';
export { createFetchHandler } from './fetch.js';
export type { FetchHandler, FetchHandlerOptions } from './fetch.js';
export { DEFAULT_SERVER_URL, DEFAULT_SERVER_URL as DEFAULT_HONEYHIVE_URL } from './options.js';
export type { ProxyOptions, ProxyErrorContext, AuthorizeResult, RateLimitOptions } from './options.js';
export { createMemoryStore } from './store.js';
export type { ProxyStore, ClaimState, StoredResult, MemoryStoreOptions } from './store.js';
export { createRedisStore, StoreUnavailableError } from './redis-store.js';
export type { RedisStoreOptions, RedisLikeClient } from './redis-store.js';
export { checkUpdate, parseBatch, isUuid, isRetryableStatus, updateOrder, MAX_UPDATE_ID_LENGTH } from './batch.js';
export type { FeedbackUpdate, FeedbackBatch, UpdateResult, UpdateCode, BatchResponse } from './batch.js';
export { verifyFeedbackTokenAsync } from './token.js';
export type { FeedbackTokenClaims, TokenCheck, TokenPolicyOptions } from './token.js';
export { mintFeedbackToken, verifyFeedbackToken } from './token-mint.js';
export type { MintOptions } from './token-mint.js';
