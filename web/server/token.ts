// Signed feedback tokens: the app's server mints one per session (and,
// optionally, per set of span ids) and hands it to the page; the proxy
// refuses batches without a valid token, and updates aimed at events the
// token does not cover. Verification uses Web Crypto only (fetch handler path).
//
// Format: tf1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(secret, "tf1." + claims part))>
// Claims: { sid: session id, eids?: [event ids], exp: expiry (epoch s), iat: issued (epoch s) }
import { isUuid } from './batch.js';
import { decodeBase64url } from './base64url.js';

export const TOKEN_PREFIX = 'tf1';
export const MIN_SECRET_BYTES = 32;
const MAX_TOKEN_CHARS = 16 * 1024;

/**
 * What a valid feedback token says (its decoded claims part).
 *
 * @example
 * ```ts
 * const check = await verifyFeedbackTokenAsync(token, process.env.FEEDBACK_SECRET!);
 * if (check.ok) { const claims: FeedbackTokenClaims = check.claims; console.log(claims.sid, new Date(claims.exp * 1000)); }
 * ```
 */
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

/**
 * The outcome of verifying a token: its claims, or why it was refused.
 *
 * @example
 * ```ts
 * const check: TokenCheck = await verifyFeedbackTokenAsync(token, process.env.FEEDBACK_SECRET!);
 * if (!check.ok && check.reason === 'expired') console.info('mint a new one');
 * ```
 */
export type TokenCheck =
  | { ok: true; claims: FeedbackTokenClaims }
  | { ok: false; reason: 'missing' | 'malformed' | 'bad_signature' | 'expired' };

export function checkSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== 'string' || new TextEncoder().encode(secret).length < MIN_SECRET_BYTES) {
    throw new TypeError(`feedback token secret must be a string of at least ${MIN_SECRET_BYTES} bytes`);
  }
}

const keys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let k = keys.get(secret);
  if (!k) {
    k = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    keys.set(secret, k);
  }
  return k;
}

/** The parts of a token, decoded canonically; undefined when it is not one. */
export function parseToken(token: unknown):
  | { ok: true; signed: Uint8Array; mac: Uint8Array; payload: Uint8Array }
  | { ok: false; reason: 'missing' | 'malformed' } {
  if (typeof token !== 'string' || token === '') return { ok: false, reason: 'missing' };
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== TOKEN_PREFIX || !parts[1] || !parts[2]) return { ok: false, reason: 'malformed' };
  const mac = decodeBase64url(parts[2]);
  const payload = decodeBase64url(parts[1]);
  if (!mac || !payload || mac.length !== 32) return { ok: false, reason: 'malformed' };
  return { ok: true, signed: new TextEncoder().encode(`${parts[0]}.${parts[1]}`), mac, payload };
}

/** After the signature: the claims and the expiry. */
export function checkClaims(payload: Uint8Array, options: { now?: number; clockSkewSeconds?: number }): TokenCheck {
  let claims: FeedbackTokenClaims;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
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

/**
 * Verifies signature and expiry with Web Crypto (the fetch handler's path).
 * `secret` may be a list (key rotation). Never throws on hostile input.
 *
 * @example
 * ```ts
 * const check = await verifyFeedbackTokenAsync(token, [newSecret, oldSecret]); // edge runtimes: Web Crypto only
 * ```
 */
export async function verifyFeedbackTokenAsync(
  token: unknown,
  secret: string | readonly string[],
  options: { now?: number; clockSkewSeconds?: number } = {},
): Promise<TokenCheck> {
  const parsed = parseToken(token);
  if (!parsed.ok) return parsed;
  let valid = false;
  for (const s of typeof secret === 'string' ? [secret] : secret) {
    checkSecret(s);
    // crypto.subtle.verify compares in constant time.
    if (await crypto.subtle.verify('HMAC', await hmacKey(s), parsed.mac as BufferSource, parsed.signed as BufferSource)) valid = true;
  }
  if (!valid) return { ok: false, reason: 'bad_signature' };
  return checkClaims(parsed.payload, options);
}

/**
 * The proxy's `feedbackTokens` option: every batch must carry a token
 * signed with one of these secrets, and may only write feedback to the
 * session and events it names.
 *
 * @example
 * ```ts
 * // two secrets while rotating: tokens signed with either are accepted
 * createProxyHandler({ apiKey, feedbackTokens: { secret: [process.env.FEEDBACK_SECRET!, process.env.OLD_FEEDBACK_SECRET!] } });
 * ```
 */
export interface TokenPolicyOptions {
  /** The HMAC secret (at least 32 bytes), or several during a rotation. */
  secret: string | readonly string[];
  /**
   * Allow feedback on events the token does not list, when the event belongs
   * to the token's session (checked with GET /v1/events/{id} upstream, cached
   * in the store). Off by default: a token without `eids` then allows only
   * feedback on the session itself.
   */
  allowUnlistedEvents?: boolean;
  /** How long an event -> session answer is cached. Default 1 h. */
  eventSessionTtlMs?: number;
  /** Clock for the expiry check, epoch ms (default Date.now; for tests). */
  now?: () => number;
}

export function checkSecretList(secret: string | readonly string[]): void {
  const list = typeof secret === 'string' ? [secret] : secret;
  if (!list || list.length === 0) throw new TypeError('feedback token secret list is empty');
  for (const s of list) checkSecret(s);
}

/** Whole-batch code for a refused token. */
export function tokenCode(reason: Exclude<TokenCheck, { ok: true }>['reason']): 'token_missing' | 'token_invalid' | 'token_expired' {
  return reason === 'missing' ? 'token_missing' : reason === 'expired' ? 'token_expired' : 'token_invalid';
}
