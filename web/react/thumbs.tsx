'use client';
// <Thumbs>: two plain buttons (aria-pressed), or your own markup through a
// render prop. Pressing the pressed thumb again withdraws the rating.
import type { ReactNode } from 'react';
import type { CapturedDetail, Thumb } from '../entry/answer-state.js';
import { useFeedbackFor } from './use-feedback-for.js';

/**
 * Props of {@link Thumbs}.
 *
 * @example
 * ```tsx
 * <Thumbs eventId={id} className="thumbs" labels={{ up: 'Helpful', down: 'Not helpful' }} />
 * ```
 */
export interface ThumbsProps {
  eventId: string;
  className?: string;
  /** Class of each button; pressed buttons also get `aria-pressed="true"` to style on. */
  buttonClassName?: string;
  /** Accessible names (default "Good answer" / "Bad answer"). */
  labels?: { up?: string; down?: string };
  /** Button contents, or a render prop replacing the whole markup. */
  children?: { up?: ReactNode; down?: ReactNode } | ((s: { thumb: Thumb; rate: (up: boolean | null) => void }) => ReactNode);
  onCaptured?: (detail: CapturedDetail) => void;
}

/**
 * Thumbs up / down for one answer: `{ rating: true|false }`, the same
 * thumb again `{ rating_withdrawn: true }`.
 *
 * @example
 * ```tsx
 * <Thumbs eventId={eventId} />
 * <Thumbs eventId={eventId}>{({ thumb, rate }) => <MyToggle value={thumb} onChange={rate} />}</Thumbs>
 * ```
 */
export function Thumbs({ eventId, className, buttonClassName, labels, children, onCaptured }: ThumbsProps): ReactNode {
  const { thumb, rate } = useFeedbackFor(eventId, onCaptured);
  if (typeof children === 'function') return children({ thumb, rate: (up) => void rate(up) });
  return (
    <div role="group" aria-label="Rate this answer" className={className}>
      <button type="button" className={buttonClassName} aria-pressed={thumb === 'up'} aria-label={labels?.up ?? 'Good answer'} data-thumb="up" onClick={() => rate(true)}>
        {children?.up ?? '👍'}
      </button>
      <button type="button" className={buttonClassName} aria-pressed={thumb === 'down'} aria-label={labels?.down ?? 'Bad answer'} data-thumb="down" onClick={() => rate(false)}>
        {children?.down ?? '👎'}
      </button>
    </div>
  );
}
