// The proxy's logic, Web-standard only (no `node:` imports): both the Node
// handler (proxy.ts) and the fetch handler (fetch.ts) are thin adapters that
// turn their request into a ProxyInput and write back the ProxyAnswer.
import { createFeedbackCheck } from './feedback-check.js';
import { loadCore } from '../core/loader.js';
import {
  checkUpdate, isRetryableStatus, isUnknownEventStatus, parseBatch, updateOrder,
  type FeedbackBatch, type FeedbackUpdate, type UpdateResult,
} from './batch.js';
import { corsHeaders, decideOrigin, preflightHeaders, type HeaderGetter } from './cors.js';
import { checkOptions, DEFAULT_SERVER_URL, warnUnsigned, type AuthorizeResult, type ProxyErrorContext, type ProxyOptions } from './options.js';
import { AbortedError, Hangup, KeyedLock, Scheduler } from './scheduler.js';
import { createMemoryStore, type ClaimState, type ProxyStore } from './store.js';
import { checkSecretList, tokenCode, verifyFeedbackTokenAsync, type FeedbackTokenClaims } from './token.js';
import { forwardUpdate, lookupEvent, type UpstreamConfig } from './upstream.js';

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: number; error: string; code: string };

export interface ProxyInput {
  method: string;
  /** The request target as received: origin-form path or absolute URL. */
  target: string;
  /**
   * The target before a router stripped its mount path (Express's
   * `req.originalUrl`): `app.use('/feedback', handler)` leaves `target` '/'.
   * `path` matches either.
   */
  originalTarget?: string;
  header: HeaderGetter;
  /** The peer address (X-Forwarded-For is read only with trustProxy). */
  remoteAddress: string;
  /** Reads the body, cut off at `limit` bytes and at the request deadline. */
  readBody(limit: number): Promise<BodyResult>;
  /** Aborted when the client goes away: waiting calls are dropped; a PUT already sent runs to its answer. */
  signal: AbortSignal;
  /** What the authorize hooks receive (IncomingMessage / Request). */
  hookRequest: unknown;
}

export interface ProxyAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Close the connection after answering (unread body left on it). */
  close?: boolean;
}

export type CoreResult = ProxyAnswer | 'next';

const STORE_RETRY_AFTER = '2';
const OVERLOAD_RETRY_AFTER = '1';

export interface ProxyCore {
  handle(input: ProxyInput, canCallNext: boolean): Promise<CoreResult>;
  options: ProxyOptions;
  store: ProxyStore;
  scheduler: Scheduler;
  requestTimeoutMs: number;
  minBodyBytesPerSecond: number;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}, close = false): ProxyAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
    close,
  };
}

/** Path of a request target, or undefined when it is not one we can answer (400). */
export function pathOf(target: string): string | undefined {
  if (target.startsWith('/')) {
    const end = target.search(/[?#]/);
    return end < 0 ? target : target.slice(0, end);
  }
  if (/^https?:\/\//i.test(target)) {
    try {
      return new URL(target).pathname;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The client address: the peer, or with `trustProxy` hops the entry that many from the right of X-Forwarded-For. */
export function clientAddress(input: Pick<ProxyInput, 'header' | 'remoteAddress'>, trustProxy: number): string {
  if (trustProxy > 0) {
    const hops = (input.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (hops.length) return hops[Math.max(0, hops.length - trustProxy)];
  }
  return input.remoteAddress || 'unknown';
}

export function createProxyCore(options: ProxyOptions, where: string, extraOptions: readonly string[] = []): ProxyCore {
  checkOptions(options, where, extraOptions);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError(`${where}: no fetch available; pass options.fetch`);
  if (options.feedbackTokens) checkSecretList(options.feedbackTokens.secret);
  warnUnsigned(options);
  const upstream: UpstreamConfig = {
    serverUrl: options.serverUrl ?? options.honeyhiveUrl ?? DEFAULT_SERVER_URL,
    apiKey: options.apiKey,
    legacy: options.legacy ?? false,
    timeoutMs: options.timeoutMs ?? 10_000,
    fetch: fetchImpl,
  };
  const path = options.path === undefined ? '/feedback' : options.path;
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const maxUpdates = options.maxUpdatesPerBatch ?? 100;
  const trustProxy = options.trustProxy ?? 0;
  const store = options.store ?? createMemoryStore();
  const scheduler = new Scheduler(
    Math.max(1, options.concurrency ?? 256),
    Math.max(1, options.perClientConcurrency ?? 16),
    Math.max(0, options.maxQueuedCalls ?? 10_000),
  );
  const eventLock = new KeyedLock();
  const checkFeedback = createFeedbackCheck(options.limits);
  const tokens = options.feedbackTokens;
  const leaseMs = upstream.timeoutMs + 5000;
  const report = (error: unknown, context: ProxyErrorContext) => {
    try {
      options.onError?.(error, context);
    } catch {
      // A failing error hook must not take the request down with it.
    }
  };
  // The wasm core, loaded once: at creation, and again on a later request if that failed.
  let ready: Promise<unknown> | undefined;
  const loadValidator = () => {
    if (!ready) {
      ready = loadCore({ wasmBinary: options.wasmBinary, wasmUrl: options.wasmUrl, wasmModule: options.wasmModule });
      ready.catch(() => (ready = undefined));
    }
    return ready;
  };
  loadValidator().catch(() => {});

  const storeDown = (id: string): UpdateResult => ({ id, status: 503, code: 'store_unavailable', retryAfter: STORE_RETRY_AFTER });

  interface Ctx {
    clientKey: string;
    claims?: FeedbackTokenClaims;
    signal: Hangup;
  }

  /** Is this event covered by the token? 'lookup' when only upstream can say. */
  function covers(claims: FeedbackTokenClaims | undefined, eventId: string): 'yes' | 'no' | 'lookup' {
    if (!tokens || !claims) return 'yes';
    if (eventId === claims.sid || claims.eids?.includes(eventId)) return 'yes';
    return !claims.eids && tokens.allowUnlistedEvents ? 'lookup' : 'no';
  }

  /** allowUnlistedEvents: the event must belong to the token's session (cached in the store). */
  async function checkOwnership(update: FeedbackUpdate, ctx: Ctx): Promise<UpdateResult | undefined> {
    let sid: string | undefined;
    try {
      sid = await store.eventSession(update.event_id);
    } catch (error) {
      report(error, { kind: 'store', eventId: update.event_id, updateId: update.id });
      return storeDown(update.id);
    }
    if (sid === undefined) {
      const found = await lookupEvent(upstream, update.event_id, ctx.signal);
      if (found.kind === 'missing') return { id: update.id, status: 404, code: 'unknown_event' };
      if (found.kind === 'failed') {
        if (found.problem) report(found.problem.error, { kind: found.problem.kind, eventId: update.event_id, updateId: update.id, status: found.problem.status });
        return { id: update.id, ...found.result };
      }
      sid = found.sessionId;
      try {
        await store.rememberEventSession(update.event_id, sid, tokens?.eventSessionTtlMs ?? 3_600_000);
      } catch (error) {
        report(error, { kind: 'store', eventId: update.event_id });
      }
    }
    return sid === ctx.claims?.sid ? undefined : { id: update.id, status: 403, code: 'forbidden_event' };
  }

  /** One update, inside a scheduler slot, with the event's local lock held. */
  async function applyOne(update: FeedbackUpdate, ctx: Ctx, needsLookup: boolean): Promise<UpdateResult> {
    if (needsLookup) {
      const refused = await checkOwnership(update, ctx);
      if (refused) return refused;
    }
    const key = `${update.event_id} ${update.id}`;
    const order = updateOrder(update.id);
    let state: ClaimState | 'stale';
    try {
      state = order && store.claimInOrder
        ? await store.claimInOrder(key, leaseMs, ctx.clientKey, { eventId: update.event_id, ...order })
        : await store.claim(key, leaseMs, ctx.clientKey);
    } catch (error) {
      report(error, { kind: 'store', eventId: update.event_id, updateId: update.id });
      return storeDown(update.id);
    }
    // 'stale': a newer update of the same client was already sent; this one must not overwrite it.
    if (state === 'duplicate' || state === 'stale') return { id: update.id, status: 200, duplicate: true };
    if (state === 'in_progress') return { id: update.id, status: 503, code: 'in_progress', retryAfter: OVERLOAD_RETRY_AFTER };
    const settle = async (applied: boolean) => {
      try {
        if (applied) await store.complete(key, { status: 200 }, ctx.clientKey);
        else await store.release(key, ctx.clientKey);
      } catch (error) {
        report(error, { kind: 'store', eventId: update.event_id, updateId: update.id });
      }
    };
    if (order && !store.claimInOrder) {
      let fresh: boolean;
      try {
        fresh = await store.advance(update.event_id, order.stream, order.seq);
      } catch (error) {
        report(error, { kind: 'store', eventId: update.event_id, updateId: update.id });
        await settle(false);
        return storeDown(update.id);
      }
      if (!fresh) {
        await settle(true);
        return { id: update.id, status: 200, duplicate: true };
      }
    }
    // Not aborted when the page hangs up: once a PUT is on its way, upstream may
    // apply it whatever happens to the answer, so aborting it would leave the
    // outcome unknown and the page's retry would apply it a second time. It
    // runs to its answer (bounded by timeoutMs) and its result is recorded;
    // what had not started yet is dropped (the scheduler checks the signal).
    const outcome = await forwardUpdate(upstream, update);
    if (outcome.problem) {
      report(outcome.problem.error, { kind: outcome.problem.kind, eventId: update.event_id, updateId: update.id, status: outcome.problem.status });
    }
    await settle(outcome.result.status >= 200 && outcome.result.status < 300);
    return outcome.result;
  }

  /**
   * The updates of one event, in batch order. After a retryable failure the
   * rest are not sent: applying them now and the failed one on retry would
   * let the older feedback win.
   */
  async function applyChain(items: Array<{ index: number; update: FeedbackUpdate; lookup: boolean }>, results: UpdateResult[], ctx: Ctx): Promise<void> {
    const byId = new Map<string, UpdateResult>();
    let blocker: UpdateResult | undefined;
    let used = 0;
    try {
      for (const { index, update, lookup } of items) {
        const same = byId.get(update.id);
        let result: UpdateResult;
        if (same) result = { ...same };
        else if (blocker) {
          result = { id: update.id, status: blocker.status, code: blocker.code ?? 'upstream_unavailable' };
          if (blocker.retryAfter !== undefined) result.retryAfter = blocker.retryAfter;
        } else if (ctx.signal.aborted) {
          result = { id: update.id, status: 503, code: 'overloaded', retryAfter: OVERLOAD_RETRY_AFTER };
        } else {
          used += 1;
          try {
            result = await scheduler.run(ctx.clientKey, ctx.signal, () => applyOne(update, ctx, lookup));
          } catch (error) {
            if (!(error instanceof AbortedError)) throw error;
            result = { id: update.id, status: 503, code: 'overloaded', retryAfter: OVERLOAD_RETRY_AFTER };
          }
          if (isRetryableStatus(result.status) || isUnknownEventStatus(result.status)) blocker = result;
        }
        byId.set(update.id, result);
        results[index] = result;
      }
    } finally {
      scheduler.unreserve(items.length - used);
    }
  }

  async function authorizeBatch(input: ProxyInput, batch: FeedbackBatch, address: string): Promise<ProxyAnswer | Ctx> {
    const limit = options.rateLimit;
    const requestLimit = limit ? limit.requestsPerMinute ?? limit.perMinute : 0;
    const limited = (ms: number) =>
      json(429, { error: 'too many feedback requests; retry later', code: 'rate_limited' }, { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) });
    const ctx: Ctx = { clientKey: `addr:${address}`, signal: new Hangup(input.signal) };
    try {
      if (tokens) {
        const check = await verifyFeedbackTokenAsync(batch.token, tokens.secret, { now: tokens.now?.() });
        if (!check.ok) {
          // Forged or stale tokens are counted per address, so guessing is throttled too.
          if (limit) {
            const wait = await store.hit(`bad:${address}`, 1, requestLimit, 60_000);
            if (wait > 0) return limited(wait);
          }
          const code = tokenCode(check.reason);
          return json(401, { error: `feedback token ${code.slice(6)}`, code });
        }
        ctx.claims = check.claims;
        ctx.clientKey = `sid:${check.claims.sid}`;
      }
      if (limit) {
        const waitReq = await store.hit(`req:${ctx.clientKey}`, 1, requestLimit, 60_000);
        if (waitReq > 0) return limited(waitReq);
        const waitUpd = await store.hit(`upd:${ctx.clientKey}`, batch.updates.length, limit.perMinute, 60_000);
        if (waitUpd > 0) return limited(waitUpd);
      }
    } catch (error) {
      report(error, { kind: 'store' });
      return json(503, { error: 'proxy store unavailable', code: 'store_unavailable' }, { 'retry-after': STORE_RETRY_AFTER });
    }
    if (options.authorize) {
      let verdict: AuthorizeResult;
      try {
        verdict = await options.authorize(input.hookRequest, batch);
      } catch (error) {
        report(error, { kind: 'authorize' });
        return json(500, { error: 'authorization check failed', code: 'internal' });
      }
      if (!verdict.ok) return json(verdict.status ?? 403, { error: verdict.error ?? 'not authorized', code: verdict.code ?? 'not_authorized' });
    }
    return ctx;
  }

  async function handleBatch(input: ProxyInput): Promise<ProxyAnswer> {
    const type = (input.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (type !== '' && type !== 'application/json' && type !== 'text/plain') {
      return json(415, { error: 'send the batch as application/json or text/plain', code: 'unsupported_media_type' });
    }
    const body = await input.readBody(maxBodyBytes);
    if (!body.ok) return json(body.status, { error: body.error, code: body.code }, {}, body.status === 408);
    const parsed = parseBatch(body.value);
    if (!parsed.ok) return json(400, { error: parsed.error, code: 'invalid_batch' });
    const batch = parsed.batch;
    if (batch.updates.length > maxUpdates) {
      return json(413, { error: `too many updates in one batch (${batch.updates.length} > ${maxUpdates})`, code: 'too_many_updates' });
    }
    try {
      await loadValidator();
    } catch (error) {
      report(error, { kind: 'validator' });
      return json(503, { error: 'feedback validator unavailable', code: 'unavailable' }, { 'retry-after': '5' });
    }
    const address = clientAddress(input, trustProxy);
    const auth = await authorizeBatch(input, batch, address);
    if (!('clientKey' in auth)) return auth;
    const ctx = auth;

    const results: UpdateResult[] = new Array(batch.updates.length);
    const chains = new Map<string, Array<{ index: number; update: FeedbackUpdate; lookup: boolean }>>();
    batch.updates.forEach((raw, index) => {
      const checked = checkUpdate(raw);
      if (!checked.ok) return void (results[index] = checked.result);
      const update = checked.update;
      const verdict = checkFeedback(update.feedback);
      if (!verdict.ok) return void (results[index] = { id: update.id, status: 400, code: 'invalid_feedback', errors: verdict.errors });
      const coverage = covers(ctx.claims, update.event_id);
      if (coverage === 'no') return void (results[index] = { id: update.id, status: 403, code: 'forbidden_event' });
      if (options.authorizeUpdate) {
        let v: AuthorizeResult;
        try {
          v = options.authorizeUpdate(update, batch, input.hookRequest);
        } catch (error) {
          report(error, { kind: 'authorize', eventId: update.event_id, updateId: update.id });
          v = { ok: false, status: 403 };
        }
        if (!v.ok) return void (results[index] = { id: update.id, status: v.status ?? 403, code: 'forbidden_event' });
      }
      const chain = chains.get(update.event_id);
      const item = { index, update, lookup: coverage === 'lookup' };
      if (chain) chain.push(item);
      else chains.set(update.event_id, [item]);
    });
    const runs: Promise<void>[] = [];
    for (const [eventId, items] of chains) {
      const got = scheduler.reserve(items.length);
      if (got < items.length) {
        // No room to queue the whole chain: none of it goes (order), the page retries later.
        scheduler.unreserve(got);
        for (const { index, update } of items) results[index] = { id: update.id, status: 503, code: 'overloaded', retryAfter: OVERLOAD_RETRY_AFTER };
        continue;
      }
      runs.push(eventLock.run(eventId, () => applyChain(items, results, ctx)));
    }
    await Promise.all(runs);
    return json(200, { results });
  }

  async function handle(input: ProxyInput, canCallNext: boolean): Promise<CoreResult> {
    const pathname = pathOf(input.target);
    if (pathname === undefined) return json(400, { error: 'bad request target', code: 'bad_request' }, {}, true);
    const mounted = input.originalTarget === undefined ? undefined : pathOf(input.originalTarget);
    if (path !== null && pathname !== path && mounted !== path) {
      if (canCallNext) return 'next';
      return json(404, { error: 'not found', code: 'not_found' });
    }
    const decision = decideOrigin(input.header, options);
    const cors = corsHeaders(decision, options);
    const withCors = (a: ProxyAnswer): ProxyAnswer => ({ ...a, headers: { ...cors, ...a.headers } });
    if (!decision.allowed) return withCors(json(403, { error: 'origin not allowed', code: 'origin_not_allowed' }));
    if (input.method === 'OPTIONS') return withCors({ status: 204, headers: preflightHeaders(options), body: '', close: false });
    if (input.method !== 'POST') return withCors(json(405, { error: 'use POST', code: 'method_not_allowed' }, { allow: 'POST, OPTIONS' }));
    try {
      return withCors(await handleBatch(input));
    } catch (error) {
      report(error, { kind: 'internal' });
      return withCors(json(500, { error: 'internal error', code: 'internal' }, {}, true));
    }
  }

  return {
    handle: (input, canCallNext) =>
      handle(input, canCallNext).catch((error) => {
        report(error, { kind: 'internal' });
        return json(500, { error: 'internal error', code: 'internal' }, {}, true);
      }),
    options,
    store,
    scheduler,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    minBodyBytesPerSecond: options.minBodyBytesPerSecond ?? 1024,
  };
}
