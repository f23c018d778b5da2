'use client';
// <Stars max>: one button per star; the chosen star and every star below
// it are aria-pressed, as the attribute capture marks them.
import type { ReactNode } from 'react';
import type { CapturedDetail } from '../entry/answer-state.js';
import { useFeedbackFor } from './use-feedback-for.js';

/**
 * Props of {@link Stars}.
 *
 * @example
 * ```tsx
 * <Stars eventId={id} max={10} className="stars" />
 * ```
 */
export interface StarsProps {
  eventId: string;
  /** Number of stars (default 5); sends `{ score: n }` for the n-th. */
  max?: number;
  className?: string;
  buttonClassName?: string;
  /** Accessible name of star n (default "n of max stars"). */
  label?: (n: number, max: number) => string;
  /** Content of star n, or a render prop replacing the whole markup. */
  children?: ((n: number, on: boolean) => ReactNode) | { render: (s: { score: number | null; setScore: (n: number) => void; max: number }) => ReactNode };
  onCaptured?: (detail: CapturedDetail) => void;
}

/**
 * A star rating for one answer: `{ score: n }`. Choosing a star again sends it again.
 *
 * @example
 * ```tsx
 * <Stars eventId={eventId} max={5} />
 * <Stars eventId={eventId}>{(n, on) => (on ? '★' : '☆')}</Stars>
 * ```
 */
export function Stars({ eventId, max = 5, className, buttonClassName, label, children, onCaptured }: StarsProps): ReactNode {
  const { score, setScore } = useFeedbackFor(eventId, onCaptured);
  if (children && typeof children === 'object') return children.render({ score, setScore: (n) => void setScore(n), max });
  const stars = [];
  for (let n = 1; n <= max; n++) {
    const on = score !== null && n <= score;
    stars.push(
      <button key={n} type="button" className={buttonClassName} aria-pressed={on} aria-label={label ? label(n, max) : `${n} of ${max} stars`} data-star={n} onClick={() => setScore(n)}>
        {typeof children === 'function' ? children(n, on) : on ? '★' : '☆'}
      </button>,
    );
  }
  return (
    <div role="group" aria-label="Score this answer" className={className}>
      {stars}
    </div>
  );
}
