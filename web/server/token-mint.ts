// Minting runs on the app's own server (Node), where the secret lives.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from './batch.js';
import { encodeBase64url } from './base64url.js';
import { checkClaims, checkSecret, parseToken, TOKEN_PREFIX, type FeedbackTokenClaims, type TokenCheck } from './token.js';

/**
 * Options of {@link mintFeedbackToken}.
 *
 * @example
 * ```ts
 * const options: MintOptions = { secret: process.env.FEEDBACK_SECRET!, sessionId, eventIds: [answerEventId], ttlSeconds: 1800 };
 * ```
 */
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

/**
 * Mints a token binding a session (and optionally its span ids) until an expiry.
 *
 * @example
 * ```ts
 * // on your server, per chat session; hand the token to the page (init({ token }))
 * const token = mintFeedbackToken({ secret: process.env.FEEDBACK_SECRET!, sessionId });
 * ```
 */
export function mintFeedbackToken(options: MintOptions): string {
  checkSecret(options.secret);
  if (!isUuid(options.sessionId)) throw new TypeError('mintFeedbackToken: sessionId must be a UUID');
  const eids = options.eventIds ?? [];
  for (const id of eids) if (!isUuid(id)) throw new TypeError(`mintFeedbackToken: event id ${String(id)} is not a UUID`);
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const claims: FeedbackTokenClaims = { sid: options.sessionId.toLowerCase(), exp: iat + (options.ttlSeconds ?? 3600), iat };
  if (eids.length) claims.eids = eids.map((e) => e.toLowerCase());
  const body = `${TOKEN_PREFIX}.${encodeBase64url(new TextEncoder().encode(JSON.stringify(claims)))}`;
  return `${body}.${encodeBase64url(new Uint8Array(createHmac('sha256', options.secret).update(body).digest()))}`;
}

/**
 * Verifies signature and expiry, synchronously (Node). `secret` may be a
 * list (key rotation: any of them may have signed). Only the canonical
 * base64url spelling of a token verifies. Never throws on hostile input.
 *
 * @example
 * ```ts
 * const check = verifyFeedbackToken(token, process.env.FEEDBACK_SECRET!);
 * if (check.ok) console.log(check.claims.sid); else console.log(check.reason); // 'expired', 'bad_signature', ...
 * ```
 */
export function verifyFeedbackToken(
  token: unknown,
  secret: string | readonly string[],
  options: { now?: number; clockSkewSeconds?: number } = {},
): TokenCheck {
  const parsed = parseToken(token);
  if (!parsed.ok) return parsed;
  let valid = false;
  for (const s of typeof secret === 'string' ? [secret] : secret) {
    checkSecret(s);
    const expected = createHmac('sha256', s).update(parsed.signed).digest();
    if (timingSafeEqual(expected, parsed.mac)) valid = true;
  }
  if (!valid) return { ok: false, reason: 'bad_signature' };
  return checkClaims(parsed.payload, options);
}
