// One transport call under delivery.timeoutMs, whatever the transport does:
// a custom transport that never settled kept its updates in flight and
// flush() waiting forever. A late answer after the timeout is ignored (the
// updates were already retried under the same ids, which the proxy's
// idempotency makes harmless).
import type { Transport, WireRequest } from '../transport/types.js';

/** A little grace, so a built-in transport's own timeout (which names the URL) wins over this backstop. */
const TIMEOUT_GRACE_MS = 25;

export type CallOutcome = { results: unknown } | { cause: string };

export async function callTransport(
  transport: Transport,
  request: WireRequest,
  hidden: boolean,
  timeoutMs: number,
  onThrow: (error: unknown) => void,
): Promise<CallOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const call = (async () => ({ results: (await transport(request, { hidden, timeoutMs })) as unknown }))();
  call.catch(() => {});
  const timeout = new Promise<{ cause: string }>((resolve) => {
    // Not unref'd: like the fetch it bounds, a call in flight keeps Node alive.
    timer = setTimeout(() => resolve({ cause: `transport timeout: no answer within ${timeoutMs} ms` }), timeoutMs + TIMEOUT_GRACE_MS);
  });
  try {
    return await Promise.race([call, timeout]);
  } catch (e) {
    onThrow(e);
    return { cause: `transport threw: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
