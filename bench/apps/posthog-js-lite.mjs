// posthog-js-lite: client + one capture.
import PostHog from 'posthog-js-lite';

const posthog = new PostHog('phc_bench', { host: 'https://us.i.posthog.com' });
posthog.capture('llm_feedback', { rating: true, score: 4, comment: 'Spot on', copied: true, copy_count: 2 });
