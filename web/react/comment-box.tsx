'use client';
// <CommentBox>: a labelled textarea and a send button in a <form>; Enter
// in the button or Ctrl/Cmd+Enter in the textarea sends, then it clears.
import { useId, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { CapturedDetail } from '../entry/answer-state.js';
import { useFeedback } from './context.js';
import { useFeedbackFor } from './use-feedback-for.js';

/**
 * Props of {@link CommentBox}.
 *
 * @example
 * ```tsx
 * <CommentBox eventId={id} label="What could be better?" submitLabel="Send" />
 * ```
 */
export interface CommentBoxProps {
  eventId: string;
  className?: string;
  label?: string;
  placeholder?: string;
  submitLabel?: ReactNode;
  /** Shown after a comment was sent (default "Thanks!"), announced politely. */
  thanks?: ReactNode;
  /** A render prop replacing the markup: you call send(text). */
  children?: (s: { comment: string | null; send: (text: string) => void }) => ReactNode;
  onCaptured?: (detail: CapturedDetail) => void;
}

/**
 * A comment form for one answer: `{ comment: "…" }`. Empty text is not sent.
 *
 * @example
 * ```tsx
 * <CommentBox eventId={eventId} placeholder="Tell us more" />
 * ```
 */
export function CommentBox({ eventId, className, label = 'Comment', placeholder, submitLabel = 'Send', thanks = 'Thanks!', children, onCaptured }: CommentBoxProps): ReactNode {
  const feedback = useFeedback();
  const { comment, sendComment } = useFeedbackFor(eventId, onCaptured);
  const [text, setText] = useState('');
  const [sent, setSent] = useState(false);
  const id = useId();
  const send = (value: string) => {
    if (value.trim() === '') return;
    // Refused by the loaded client (too long, no span id yet): the reason went
    // to onError; keep what the user wrote rather than clear it and thank them.
    if (sendComment(value) === undefined && feedback.client !== undefined) return;
    setText('');
    setSent(true);
  };
  if (children) return children({ comment, send });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    send(text);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      send(text);
    }
  };
  return (
    <form className={className} onSubmit={onSubmit}>
      <label htmlFor={id}>{label}</label>
      <textarea id={id} value={text} placeholder={placeholder} onChange={(e) => { setText(e.target.value); setSent(false); }} onKeyDown={onKeyDown} />
      <button type="submit" disabled={text.trim() === ''}>{submitLabel}</button>
      <span role="status" aria-live="polite">{sent ? thanks : null}</span>
    </form>
  );
}
