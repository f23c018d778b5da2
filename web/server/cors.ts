// Origin policy of the proxy. A sendBeacon POST with a text/plain body is a
// CORS "simple" request: the browser sends it without a preflight, so the
// server itself must refuse foreign origins rather than rely on the browser.
// Web-standard: works on a header getter, for both handlers.

export interface CorsOptions {
  allowedOrigins?: readonly string[];
  allowCredentials?: boolean;
  allowedHeaders?: readonly string[];
}

export type HeaderGetter = (name: string) => string | undefined;

export type OriginDecision =
  | { allowed: true; crossOrigin: boolean; origin?: string }
  | { allowed: false; origin: string };

/** No Origin header and same-origin requests pass; a cross-origin request passes only when listed. */
export function decideOrigin(header: HeaderGetter, options: CorsOptions): OriginDecision {
  const origin = header('origin');
  if (origin === undefined) return { allowed: true, crossOrigin: false };
  const list = options.allowedOrigins ?? [];
  if (list.includes(origin) || (list.includes('*') && origin !== 'null')) return { allowed: true, crossOrigin: true, origin };
  if (isSameOrigin(header, origin)) return { allowed: true, crossOrigin: false, origin };
  return { allowed: false, origin };
}

function isSameOrigin(header: HeaderGetter, origin: string): boolean {
  const m = /^https?:\/\/([^/?#]+)$/i.exec(origin);
  if (!m) return false;
  const host = m[1].toLowerCase();
  const hosts = [header('host') ?? '', ...(header('x-forwarded-host') ?? '').split(',')]
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return hosts.includes(host);
}

/** Headers every answer to an allowed cross-origin request carries. */
export function corsHeaders(decision: OriginDecision, options: CorsOptions): Record<string, string> {
  const out: Record<string, string> = { vary: 'Origin' };
  if (!decision.allowed || !decision.crossOrigin || decision.origin === undefined) return out;
  out['access-control-allow-origin'] = decision.origin;
  if (options.allowCredentials) out['access-control-allow-credentials'] = 'true';
  out['access-control-expose-headers'] = 'Retry-After';
  return out;
}

/** Headers of the answer to an OPTIONS preflight for an allowed origin. */
export function preflightHeaders(options: CorsOptions): Record<string, string> {
  const names = ['Content-Type', ...(options.allowedHeaders ?? [])];
  const unique = [...new Map(names.map((n) => [n.toLowerCase(), n])).values()];
  return {
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': unique.join(', '),
    'access-control-max-age': '600',
  };
}
