/**
 * React 18/19 bindings: `<FeedbackProvider>`, `useFeedback()`, `useFeedbackFor()` and headless accessible components.
 *
 * @packageDocumentation
 * @module trace-feedback/react
 */
'use client';
// trace-feedback/react: a provider that creates the client once, hooks,
// and headless accessible components (plain buttons, your classes, render
// props). React 18 and 19; server rendering safe.
export { FeedbackProvider, useFeedback, type FeedbackProviderProps } from './context.js';
export { useFeedbackFor, type AnswerFeedback } from './use-feedback-for.js';
export { Thumbs, type ThumbsProps } from './thumbs.js';
export { Stars, type StarsProps } from './stars.js';
export { CommentBox, type CommentBoxProps } from './comment-box.js';
export { CopyButton, RegenerateButton, type CopyButtonProps, type RegenerateButtonProps } from './buttons.js';
export { EditableAnswer, type EditableAnswerProps } from './editable-answer.js';
export type { AnswerState, AnswerActions, CapturedDetail, Thumb } from '../entry/answer-state.js';
export type { FeedbackHandle } from '../facade.js';
