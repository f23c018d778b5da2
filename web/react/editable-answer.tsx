'use client';
// <EditableAnswer original>: a textarea holding the answer; the edit diff
// against `original` is sent when typing stops (debounced) or on blur, so
// the diff never runs per keystroke.
import { useEffect, useRef, useState, type ReactNode, type TextareaHTMLAttributes } from 'react';
import type { CapturedDetail } from '../entry/answer-state.js';
import { useFeedback } from './context.js';
import { useFeedbackFor } from './use-feedback-for.js';

/**
 * Props of {@link EditableAnswer}.
 *
 * @example
 * ```tsx
 * <EditableAnswer eventId={id} original={answer} debounceMs={500} className="answer" />
 * ```
 */
export interface EditableAnswerProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'defaultValue' | 'onChange' | 'children'> {
  eventId: string;
  /** The answer as the model gave it: every diff compares against it. */
  original: string;
  /** Idle time before an edit is sent (default 1000 ms). */
  debounceMs?: number;
  onChange?: (text: string) => void;
  onCaptured?: (detail: CapturedDetail) => void;
  /** A render prop replacing the textarea: call change(text) as the user edits and commit() when done. */
  children?: (s: { text: string; change: (text: string) => void; commit: () => void }) => ReactNode;
}

/**
 * An editable answer: `actions.edited`, `edits` and `edit_stats` of the
 * whole edit (original → current text), once typing pauses.
 *
 * @example
 * ```tsx
 * <EditableAnswer eventId={eventId} original={answer} aria-label="Answer (editable)" />
 * ```
 */
export function EditableAnswer({ eventId, original, debounceMs = 1000, onChange, onCaptured, children, onBlur, ...rest }: EditableAnswerProps): ReactNode {
  const { edit } = useFeedbackFor(eventId, onCaptured);
  const handle = useFeedback();
  // As attach() does for editable answers in the DOM: fetch the edit diff
  // module while the user reads (once the client is here, never before), so
  // the edit is diffed and counted when typing stops, not recorded first.
  useEffect(() => {
    let asked = false;
    const warm = () => {
      if (asked || !handle.client) return;
      asked = true;
      handle.client.loadDiff().catch(() => {}); // a failure is on onError; the edit retries
    };
    warm();
    const off = handle.onStateChange(warm);
    return () => {
      off();
    };
  }, [handle]);
  const [text, setText] = useState(original);
  const sentText = useRef(original);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(text);
  latest.current = text;
  const commit = () => {
    clearTimeout(timer.current);
    if (latest.current === sentText.current) return;
    sentText.current = latest.current;
    edit(original, latest.current);
  };
  // The timer and the unmount cleanup outlive the render that set them: they
  // call the latest commit, so a pending edit names the current `original`
  // and `eventId`, not the first render's.
  const commitRef = useRef(commit);
  commitRef.current = commit;
  const change = (value: string) => {
    setText(value);
    latest.current = value;
    onChange?.(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => commitRef.current(), debounceMs);
  };
  // An edit still waiting for its timer is sent when the component goes away.
  useEffect(() => () => commitRef.current(), []);
  if (children) return children({ text, change, commit });
  return <textarea {...rest} value={text} onChange={(e) => change(e.target.value)} onBlur={(e) => { commit(); onBlur?.(e); }} />;
}
