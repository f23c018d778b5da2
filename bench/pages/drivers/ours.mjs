// trace-feedback: ready = `await init()` resolved.
import { init } from 'trace-feedback';

export async function start(cfg) {
  const transport =
    cfg.transport === 'honeyhive'
      ? { transport: 'honeyhive', apiKey: cfg.apiKey, serverUrl: cfg.hh, dangerouslyAllowBrowserKey: true }
      : { endpoint: '/feedback' };
  const errors = {};
  const client = await init({
    ...transport,
    ...(cfg.namespace ? { namespace: cfg.namespace } : {}),
    ...(cfg.persistence ? { persistence: cfg.persistence } : {}),
    onError: (e) => { errors[e.code] = (errors[e.code] ?? 0) + 1; },
  });
  return {
    client,
    errors,
    capture: (eventId, feedback) => client.enrichSpan({ eventId, feedback }),
    flush: () => client.flush(),
    stats: () => client.stats(),
  };
}
