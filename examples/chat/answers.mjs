// The demo's "model": canned, deterministic answers to a handful of
// questions, with a few variants each so Regenerate visibly changes the
// text. No model, no network: the demo is about the feedback, not the LLM.

/**
 * @typedef {{ id: string, question: string, keywords: RegExp, variants: string[], groundTruth?: string }} CannedAnswer
 *   groundTruth: what the backend sets as feedback.ground_truth on the span (the seed's reserved field)
 */

/** @type {CannedAnswer[]} */
export const CANNED = [
  {
    id: 'ny-capital',
    question: 'What is the capital of New York?',
    keywords: /\b(capital|albany)\b.*\bnew york\b|\bnew york\b.*\bcapital\b|\bny\b.*capital/i,
    groundTruth: 'The capital of New York is Albany',
    variants: [
      // Editing "NYC" to "New York" reproduces the seed's `edits: [{ value: "New York" }]`.
      'The capital of New York State is Albany. It sits on the Hudson River, about 150 miles north of NYC.',
      'Albany is the capital of New York. Many people guess NYC, the largest city, but Albany has been the capital since 1797.',
    ],
  },
  {
    id: 'python-reverse',
    question: 'How do I reverse a list in Python?',
    keywords: /\breverse\b.*\blist\b|\blist\b.*\breverse\b/i,
    variants: [
      'Use my_list.reverse() to reverse the list in place, or my_list[::-1] to get a reversed copy and keep the original.',
      'Two options: reversed(my_list) gives a lazy iterator, and my_list[::-1] builds a new reversed list. my_list.reverse() changes the list itself.',
    ],
  },
  {
    id: 'http-429',
    question: 'What does HTTP 429 mean?',
    keywords: /\b429\b|too many requests|rate.?limit/i,
    groundTruth: '429 Too Many Requests: back off and honour Retry-After',
    variants: [
      '429 Too Many Requests: the server is rate limiting you. Wait as long as its Retry-After header says, then retry with backoff.',
      'It means you sent too many requests in a given time. Honour the Retry-After header and back off exponentially before retrying.',
    ],
  },
  {
    id: 'trace-feedback',
    question: 'What does trace-feedback do?',
    keywords: /trace.?feedback|what (is|does) this|feedback library/i,
    variants: [
      'It captures what users think of an answer (thumbs, stars, comments, copies, regenerations and edits) and attaches it to the HoneyHive trace that produced the answer.',
      'It is a small browser library: a C++ core in WebAssembly validates and batches end-user feedback, and your server forwards it to HoneyHive as feedback on the right span.',
    ],
  },
  {
    id: 'haiku',
    question: 'Write a haiku about debugging',
    keywords: /haiku|poem/i,
    variants: [
      'Silent stack trace waits\none log line, then the answer\nthe bug was a typo',
      'Breakpoint in the night\nvariables hold their breath\noff by one, again',
    ],
  },
];

/**
 * Picks the canned answer for a question. `attempt` counts regenerations of
 * the same question, cycling through the variants.
 * @param {string} question
 * @param {number} [attempt]
 * @returns {{ id: string, answer: string, variant: number, groundTruth?: string }}
 */
export function cannedAnswer(question, attempt = 0) {
  const hit = CANNED.find((c) => c.keywords.test(question));
  if (!hit) {
    const list = CANNED.map((c) => `“${c.question}”`).join(', ');
    return { id: 'fallback', answer: `I am a canned demo model and only know a few questions. Try one of: ${list}.`, variant: 0 };
  }
  const variant = attempt % hit.variants.length;
  return { id: hit.id, answer: hit.variants[variant], variant, groundTruth: hit.groundTruth };
}
