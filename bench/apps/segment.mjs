// @segment/analytics-next: load + one track.
import { AnalyticsBrowser } from '@segment/analytics-next';

const analytics = AnalyticsBrowser.load({ writeKey: 'bench' });
analytics.track('llm_feedback', { rating: true, score: 4, comment: 'Spot on', copied: true, copy_count: 2 });
