// createFetchHandler: the proxy as `(request: Request) => Promise<Response>`
// for Next.js route handlers, Hono, Bun, Deno and edge runtimes. Web-standard
// only: no `node:` import may reach this file (tests/proxy/fetch.test.mjs
// bundles it for platform=neutral).
import { createProxyCore, type BodyResult } from './core.js';
import type { ProxyOptions } from './options.js';

/**
 * Options of {@link createFetchHandler}: the proxy's options plus `clientAddress`.
 *
 * @example
 * ```ts
 * const options: FetchHandlerOptions = { apiKey: process.env.HH_API_KEY!, clientAddress: (req) => req.headers.get('x-real-ip') ?? undefined };
 * ```
 */
export interface FetchHandlerOptions extends ProxyOptions {
  /** The peer address, which a Request does not carry (e.g. Deno's info.remoteAddr, Bun's server.requestIP). */
  clientAddress?: (request: Request) => string | undefined;
}

/**
 * What {@link createFetchHandler} returns: a Web-standard request handler.
 *
 * @example
 * ```ts
 * const handler: FetchHandler = createFetchHandler({ apiKey: process.env.HH_API_KEY! });
 * export const POST = handler;
 * ```
 */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * The fetch-style handler. `path` defaults to null here (the router mounts it),
 * unlike the Node handler's '/feedback'.
 *
 * @example
 * ```ts
 * // Next.js app/api/feedback/route.ts
 * const handler = createFetchHandler({ apiKey: process.env.HH_API_KEY!, feedbackTokens: { secret: process.env.FEEDBACK_SECRET! } });
 * export const POST = handler, OPTIONS = handler;
 * ```
 */
export function createFetchHandler(options: FetchHandlerOptions): FetchHandler {
  const { clientAddress, ...rest } = options ?? ({} as FetchHandlerOptions);
  const core = createProxyCore({ path: null, ...rest } as ProxyOptions, 'createFetchHandler', ['clientAddress']);
  return async (request) => {
    const started = Date.now();
    let remote = '';
    try {
      remote = clientAddress?.(request) ?? '';
    } catch {
      remote = '';
    }
    const answer = await core.handle(
      {
        method: request.method,
        target: request.url,
        header: (name) => request.headers.get(name) ?? undefined,
        remoteAddress: remote,
        readBody: (limit) => readBody(request, limit, started, core.requestTimeoutMs),
        signal: request.signal,
        hookRequest: request,
      },
      false,
    );
    if (answer === 'next') return new Response(null, { status: 404 });
    const headers = new Headers(answer.headers);
    return new Response(answer.status === 204 ? null : answer.body, { status: answer.status, headers });
  };
}

async function readBody(request: Request, limit: number, started: number, timeoutMs: number): Promise<BodyResult> {
  const tooLarge: BodyResult = { ok: false, status: 413, error: `body larger than ${limit} bytes`, code: 'body_too_large' };
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return tooLarge;
  if (!request.body) return parse('');
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs - (Date.now() - started)));
  });
  try {
    for (;;) {
      const step = await Promise.race([reader.read(), deadline]);
      if (step === 'timeout') {
        reader.cancel().catch(() => {});
        return { ok: false, status: 408, error: 'request body too slow', code: 'request_timeout' };
      }
      if (step.done) break;
      size += step.value.byteLength;
      if (size > limit) {
        reader.cancel().catch(() => {});
        return tooLarge;
      }
      chunks.push(step.value);
    }
  } catch {
    return { ok: false, status: 400, error: 'request body could not be read', code: 'bad_request' };
  } finally {
    clearTimeout(timer);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return parse(new TextDecoder().decode(all));
}

function parse(text: string): BodyResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, error: 'body is not valid JSON', code: 'invalid_json' };
  }
}
