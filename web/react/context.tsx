'use client';
// <FeedbackProvider> creates one handle (createFeedback) for the tree, so
// call sites never await a client; useFeedback() reads it. Safe to render
// on the server: creating a handle there loads nothing and listens to nothing.
import { createContext, useContext, useState, type ReactNode } from 'react';
import { createFeedback, type FeedbackHandle } from '../facade.js';
import type { InitOptions } from '../entry/options.js';

const Ctx = createContext<FeedbackHandle<object> | null>(null);

// StrictMode runs state initializers twice with the same props: key the
// handle on the options object so the second run gets the first handle
// instead of a second client that would load after the page's load event.
const byOptions = new WeakMap<object, FeedbackHandle<object>>();

/**
 * Props of {@link FeedbackProvider}: the options of `createFeedback()`,
 * or a handle made elsewhere (e.g. shared with non-React code).
 *
 * @example
 * ```tsx
 * <FeedbackProvider options={{ endpoint: '/feedback' }}><App /></FeedbackProvider>
 * ```
 */
export interface FeedbackProviderProps {
  /** Used once, on the first render; later changes are ignored (the client is not re-created). */
  options?: InitOptions;
  /** An existing handle; wins over `options`. */
  feedback?: FeedbackHandle<object>;
  children?: ReactNode;
}

/**
 * Creates the feedback client once for its subtree (it loads after the
 * page's load event or on first use) and gives it to {@link useFeedback},
 * {@link useFeedbackFor} and the components.
 *
 * @example
 * ```tsx
 * import { FeedbackProvider } from 'trace-feedback/react';
 * createRoot(el).render(
 *   <FeedbackProvider options={{ endpoint: '/feedback' }}>
 *     <Chat />
 *   </FeedbackProvider>,
 * );
 * ```
 */
export function FeedbackProvider({ options, feedback, children }: FeedbackProviderProps): ReactNode {
  const [handle] = useState<FeedbackHandle<object>>(() => {
    if (feedback) return feedback;
    const key = options ?? byOptions;
    let h = byOptions.get(key);
    if (!h) byOptions.set(key, (h = createFeedback(options ?? {})));
    return h;
  });
  return <Ctx.Provider value={handle}>{children}</Ctx.Provider>;
}

/**
 * The handle of the nearest {@link FeedbackProvider}: every client method,
 * callable at once (calls made before the client loads are replayed).
 * Throws when rendered outside a provider (a wiring mistake, not bad input).
 *
 * @example
 * ```tsx
 * function Answer({ eventId }: { eventId: string }) {
 *   const feedback = useFeedback();
 *   return <button onClick={() => feedback.enrichSpan({ eventId, feedback: { helpful: true } })}>Helpful</button>;
 * }
 * ```
 */
export function useFeedback<F extends object = Record<string, unknown>>(): FeedbackHandle<F> {
  const handle = useContext(Ctx);
  if (!handle) throw new Error('trace-feedback/react: useFeedback() needs a <FeedbackProvider> above it');
  return handle as unknown as FeedbackHandle<F>;
}
