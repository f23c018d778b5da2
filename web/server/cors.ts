// Origin policy of the proxy. A sendBeacon POST with a text/plain body is a
// CORS "simple" request: the browser sends it without a preflight, so the
// server itself must refuse foreign origins rather than rely on the browser.

import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CorsOptions {
  /** Cross-origin pages allowed to post feedback (exact origins, or '*'). */
  allowedOrigins?: readonly string[];
  /** Send Access-Control-Allow-Credentials (cookies used by `authorize`). */
  allowCredentials?: boolean;
}

export type OriginDecision =
  | { allowed: true; crossOrigin: boolean; origin?: string }
  | { allowed: false; origin: string };

/**
 * No Origin header (server-to-server, old browsers) and same-origin requests
 * pass; a cross-origin request passes only when listed.
 */
export function decideOrigin(req: IncomingMessage, options: CorsOptions): OriginDecision {
  const origin = req.headers.origin;
  if (origin === undefined) return { allowed: true, crossOrigin: false };
  const list = options.allowedOrigins ?? [];
  if (list.includes(origin) || (list.includes('*') && origin !== 'null')) return { allowed: true, crossOrigin: true, origin };
  if (isSameOrigin(req, origin)) return { allowed: true, crossOrigin: false, origin };
  return { allowed: false, origin };
}

function isSameOrigin(req: IncomingMessage, origin: string): boolean {
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = req.headers['x-forwarded-host'];
  const hosts = [req.headers.host, ...(Array.isArray(forwarded) ? forwarded : String(forwarded ?? '').split(','))]
    .map((h) => (h ?? '').trim().toLowerCase())
    .filter(Boolean);
  return hosts.includes(host.toLowerCase());
}

/** Headers every answer to an allowed cross-origin request carries. */
export function setCorsHeaders(res: ServerResponse, decision: OriginDecision, options: CorsOptions): void {
  res.setHeader('Vary', 'Origin');
  if (!decision.allowed || !decision.crossOrigin || decision.origin === undefined) return;
  res.setHeader('Access-Control-Allow-Origin', decision.origin);
  if (options.allowCredentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
}

/** Answers an OPTIONS preflight for an allowed origin. */
export function answerPreflight(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
  res.setHeader('Access-Control-Max-Age', '600');
  res.writeHead(204).end();
}
