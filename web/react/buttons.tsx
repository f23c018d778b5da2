'use client';
// <CopyButton text> and <RegenerateButton onRegenerate>: your action plus
// the implicit signal (absolute counts, kept by the capture layer).
import type { ButtonHTMLAttributes, ReactNode } from 'react';
import type { CapturedDetail } from '../entry/answer-state.js';
import { useFeedbackFor } from './use-feedback-for.js';

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'onClick' | 'type'>;

/**
 * Props of {@link CopyButton}.
 *
 * @example
 * ```tsx
 * <CopyButton eventId={id} text={answer} className="copy">Copy</CopyButton>
 * ```
 */
export interface CopyButtonProps extends ButtonProps {
  eventId: string;
  /** What goes to the clipboard (the answer). */
  text: string;
  /** Called after the copy, with whether the clipboard accepted it. */
  onCopied?: (ok: boolean) => void;
  onCaptured?: (detail: CapturedDetail) => void;
  children?: ReactNode;
}

/**
 * Copies `text` with the Clipboard API and records
 * `actions: { copied: true, copy_count: n, copied_fraction: 1 }`.
 *
 * @example
 * ```tsx
 * <CopyButton eventId={eventId} text={answer}>Copy</CopyButton>
 * ```
 */
export function CopyButton({ eventId, text, onCopied, onCaptured, children = 'Copy', ...rest }: CopyButtonProps): ReactNode {
  const { copy } = useFeedbackFor(eventId, onCaptured);
  const onClick = () => {
    copy();
    const clip = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
    if (!clip) return onCopied?.(false);
    clip.writeText(text).then(
      () => onCopied?.(true),
      () => onCopied?.(false),
    );
  };
  return (
    <button type="button" {...rest} onClick={onClick}>
      {children}
    </button>
  );
}

/**
 * Props of {@link RegenerateButton}.
 *
 * @example
 * ```tsx
 * <RegenerateButton eventId={id} onRegenerate={() => ask(question)}>Retry</RegenerateButton>
 * ```
 */
export interface RegenerateButtonProps extends ButtonProps {
  eventId: string;
  /** Your regeneration (ask the model again). */
  onRegenerate: () => void;
  onCaptured?: (detail: CapturedDetail) => void;
  children?: ReactNode;
}

/**
 * Records `actions: { regenerated: true, regenerate_count: n }` on the
 * answer being replaced, then calls `onRegenerate`.
 *
 * @example
 * ```tsx
 * <RegenerateButton eventId={eventId} onRegenerate={retry}>Regenerate</RegenerateButton>
 * ```
 */
export function RegenerateButton({ eventId, onRegenerate, onCaptured, children = 'Regenerate', ...rest }: RegenerateButtonProps): ReactNode {
  const { regenerate } = useFeedbackFor(eventId, onCaptured);
  return (
    <button type="button" {...rest} onClick={() => { regenerate(); onRegenerate(); }}>
      {children}
    </button>
  );
}
