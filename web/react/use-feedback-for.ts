'use client';
// useFeedbackFor(eventId): the answer's current thumb/score/comment and the
// actions that change them, shared by every component showing that answer.
import { useMemo, useSyncExternalStore } from 'react';
import { answerActions, storeFor, type AnswerActions, type AnswerState, type CapturedDetail } from '../entry/answer-state.js';
import { useFeedback } from './context.js';

/**
 * What {@link useFeedbackFor} returns: the state and the actions of one answer.
 *
 * @example
 * ```tsx
 * const { thumb, rate } = useFeedbackFor(eventId);
 * ```
 */
export type AnswerFeedback = AnswerState & AnswerActions;

/**
 * The feedback state of one answer (span) and its actions. Re-renders when
 * any component changes that answer's state. Server-safe: renders the
 * empty state on the server.
 *
 * @example
 * ```tsx
 * function Rating({ eventId }: { eventId: string }) {
 *   const { thumb, rate } = useFeedbackFor(eventId);
 *   return <button aria-pressed={thumb === 'up'} onClick={() => rate(true)}>👍</button>;
 * }
 * ```
 */
export function useFeedbackFor(eventId: string, onCaptured?: (detail: CapturedDetail) => void): AnswerFeedback {
  const handle = useFeedback();
  const store = storeFor(handle);
  const state = useSyncExternalStore(
    (l) => store.subscribe(l),
    () => store.get(eventId),
    () => store.get(eventId),
  );
  const actions = useMemo(() => answerActions(handle, store, eventId, onCaptured), [handle, store, eventId, onCaptured]);
  return { ...state, ...actions };
}
