// Signed feedback tokens: the app's server mints one per session (and,
// optionally, per set of span ids) and hands it to the page; the proxy
// refuses batches without a valid token, and updates aimed at events the
// token does not name. So an anonymous end user can only write feedback onto
// their own trace, never onto another session's events.
//
// Format: tf1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(secret, "tf1." + claims part))>
// Claims: { sid: session id, eids?: [event ids], exp: expiry (epoch s), iat: issued (epoch s) }
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isUuid, type FeedbackBatch, type FeedbackUpdate } from './batch.js';

const PREFIX = 'tf1';
const MIN_SECRET_BYTES = 32;
const MAX_TOKEN_CHARS = 16 * 1024;

export interface FeedbackTokenClaims {
  /** The session (root event) id the token binds. */
  sid: string;
  /** Span (event) ids the page may also write feedback to. */
  eids?: string[];
  /** Expiry, epoch seconds. */
  exp: number;
  /** Issued at, epoch seconds. */
  iat: number;
}

export interface MintOptions {
  /** At least 32 bytes, from the server's environment; never sent to the page. */
  secret: string;
  sessionId: string;
  eventIds?: string[];
  /** Lifetime; default one hour. */
  ttlSeconds?: number;
  /** Clock, for tests (epoch ms). */
  now?: number;
}

export type TokenCheck =
  | { ok: true; claims: FeedbackTokenClaims }
  | { ok: false; reason: 'missing' | 'malformed' | 'bad_signature' | 'expired' };

function b64url(buf: Buffer): string {
  return buf.toString('base64url');
}

function sign(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

function checkSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== 'string' || Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new TypeError(`feedback token secret must be a string of at least ${MIN_SECRET_BYTES} bytes`);
  }
}

/** Mints a token binding a session (and optionally its span ids) until an expiry. */
export function mintFeedbackToken(options: MintOptions): string {
  checkSecret(options.secret);
  if (!isUuid(options.sessionId)) throw new TypeError('mintFeedbackToken: sessionId must be a UUID');
  const eids = options.eventIds ?? [];
  for (const id of eids) if (!isUuid(id)) throw new TypeError(`mintFeedbackToken: event id ${String(id)} is not a UUID`);
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const claims: FeedbackTokenClaims = { sid: options.sessionId.toLowerCase(), exp: iat + (options.ttlSeconds ?? 3600), iat };
  if (eids.length) claims.eids = eids.map((e) => e.toLowerCase());
  const body = `${PREFIX}.${b64url(Buffer.from(JSON.stringify(claims)))}`;
  return `${body}.${b64url(sign(options.secret, body))}`;
}

/**
 * Verifies signature and expiry. `secret` may be a list (key rotation: any
 * of them may have signed). Never throws on hostile input.
 */
export function verifyFeedbackToken(
  token: unknown,
  secret: string | readonly string[],
  options: { now?: number; clockSkewSeconds?: number } = {},
): TokenCheck {
  if (typeof token !== 'string' || token === '') return { ok: false, reason: 'missing' };
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || !parts[1] || !parts[2]) return { ok: false, reason: 'malformed' };
  const body = `${parts[0]}.${parts[1]}`;
  const given = Buffer.from(parts[2], 'base64url');
  const secrets = typeof secret === 'string' ? [secret] : secret;
  let signed = false;
  for (const s of secrets) {
    checkSecret(s);
    const expected = sign(s, body);
    if (given.length === expected.length && timingSafeEqual(given, expected)) signed = true;
  }
  if (!signed) return { ok: false, reason: 'bad_signature' };
  let claims: FeedbackTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (
    !claims || typeof claims !== 'object' || !isUuid(claims.sid) || typeof claims.exp !== 'number' ||
    (claims.eids !== undefined && (!Array.isArray(claims.eids) || !claims.eids.every(isUuid)))
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (now > claims.exp + (options.clockSkewSeconds ?? 30)) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

export interface TokenPolicyOptions {
  secret: string | readonly string[];
  /**
   * Allow span feedback to events the token does not list (the session is
   * still bound). Off by default: a token without `eids` then allows only
   * feedback on the session itself.
   */
  allowUnlistedEvents?: boolean;
  now?: () => number;
}

/** The proxy hooks for signed tokens: the whole batch, then each update. */
export function tokenPolicy(options: TokenPolicyOptions) {
  checkSecretList(options.secret);
  const verdicts = new WeakMap<FeedbackBatch, FeedbackTokenClaims>();
  return {
    authorize(_req: IncomingMessage, batch: FeedbackBatch) {
      const check = verifyFeedbackToken(batch.token, options.secret, { now: options.now?.() });
      if (!check.ok) {
        const status = check.reason === 'missing' ? 401 : 403;
        return { ok: false as const, status, error: `feedback token ${check.reason.replace('_', ' ')}` };
      }
      verdicts.set(batch, check.claims);
      return { ok: true as const };
    },
    authorizeUpdate(update: FeedbackUpdate, batch: FeedbackBatch) {
      const claims = verdicts.get(batch);
      if (!claims) return { ok: false as const, status: 401, error: 'feedback token missing' };
      const target = update.event_id.toLowerCase();
      if (target === claims.sid) return { ok: true as const };
      if (claims.eids?.includes(target)) return { ok: true as const };
      if (!claims.eids && options.allowUnlistedEvents) return { ok: true as const };
      return { ok: false as const, status: 403, error: 'the feedback token does not cover this event' };
    },
    /** Rate-limit key: one bucket per session. */
    key(batch: FeedbackBatch): string | undefined {
      return verdicts.get(batch)?.sid;
    },
  };
}

function checkSecretList(secret: string | readonly string[]): void {
  const list = typeof secret === 'string' ? [secret] : secret;
  if (list.length === 0) throw new TypeError('feedback token secret list is empty');
  for (const s of list) checkSecret(s);
}
