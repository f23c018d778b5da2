// posthog-js (the full SDK, its npm default entry): init + one capture.
import posthog from 'posthog-js';

posthog.init('phc_bench', { api_host: 'https://us.i.posthog.com' });
posthog.capture('llm_feedback', { rating: true, score: 4, comment: 'Spot on', copied: true, copy_count: 2 });
