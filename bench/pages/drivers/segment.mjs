// @segment/analytics-next: ready = AnalyticsBrowser.load() resolved. The
// CDN settings are given inline (the CDN is not reachable from here),
// pointing Segment.io at the loopback sink.
import { AnalyticsBrowser } from '@segment/analytics-next';

export async function start(cfg) {
  const host = new URL(cfg.sink).host;
  const [analytics] = await AnalyticsBrowser.load({
    writeKey: 'bench',
    cdnSettings: { integrations: { 'Segment.io': { apiKey: 'bench', apiHost: `${host}/v1`, protocol: 'http' } } },
  });
  return { capture: (eventId, feedback) => analytics.track('llm_feedback', { event_id: eventId, ...feedback }) };
}
