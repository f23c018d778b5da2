// What the shipped UI (React components, <feedback-bar>) shows for one
// answer: the current thumb, score and comment, and the actions that send
// them through a FeedbackHandle. Shared so both bindings behave the same.
// The wire shape of each signal (withdrawals, absolute counts) stays in
// the capture layer, and so do the thumb and score: the UI shows what the
// capture layer holds (it survives reloads, and app code may rate too), so
// a press is judged there once and the control shows what was sent.
import type { Receipt } from '../client.js';
import type { CapturedState } from '../capture/core.js';
import type { FeedbackHandle } from '../facade.js';

/**
 * The thumb shown as pressed: up, down, or none (never rated, or withdrawn).
 *
 * @example
 * ```tsx
 * const { thumb } = useFeedbackFor(eventId);
 * <span>{thumb === 'up' ? 'Thanks!' : null}</span>
 * ```
 */
export type Thumb = 'up' | 'down' | null;

/**
 * What the user has given one answer in this page, as the UI shows it.
 *
 * @example
 * ```ts
 * const { thumb, score, comment } = useFeedbackFor(eventId); // React
 * ```
 */
export interface AnswerState {
  thumb: Thumb;
  score: number | null;
  /** The last comment sent. */
  comment: string | null;
  copies: number;
  regenerations: number;
  edits: number;
}

/**
 * The actions on one answer. Each returns the client's receipt, or
 * `undefined` while the client is still loading (the call is recorded and
 * replayed) or when it refused the call (the reason goes to `onError`).
 *
 * @example
 * ```ts
 * const { rate, setScore, sendComment } = useFeedbackFor(eventId);
 * rate(true);          // 👍; rate(true) again withdraws it
 * setScore(4);
 * sendComment('Spot on');
 * ```
 */
export interface AnswerActions {
  /** Thumb up (true) or down (false); the pressed thumb again, or null, withdraws. */
  rate(up: boolean | null): Receipt | undefined;
  setScore(value: number): Receipt | undefined;
  sendComment(text: string): Receipt | undefined;
  /** Records a copy of the whole answer (your code does the copying). */
  copy(): Receipt | undefined;
  regenerate(): Receipt | undefined;
  /** Sends the edit diff of `original` → `edited` (computed in the wasm core). */
  edit(original: string, edited: string): Receipt | undefined;
  /** Any other named action, e.g. "share". */
  action(name: string): Receipt | undefined;
}

/**
 * One capture made through the UI: the `detail` of a `feedback:captured`
 * event, and what `onCaptured` props receive.
 *
 * @example
 * ```ts
 * document.addEventListener('feedback:captured', (e) => {
 *   const { eventId, signal, value } = (e as CustomEvent<CapturedDetail>).detail;
 *   console.log(eventId, signal, value); // "6f96…" "rating" "up"
 * });
 * ```
 */
export interface CapturedDetail {
  eventId: string;
  signal: 'rating' | 'score' | 'comment' | 'copy' | 'regenerate' | 'edit' | 'action';
  value: unknown;
  /** undefined while the client is loading (the call was recorded). */
  receipt: Receipt | undefined;
}

const EMPTY: AnswerState = Object.freeze({ thumb: null, score: null, comment: null, copies: 0, regenerations: 0, edits: 0 }) as AnswerState;

/** Answer states of one handle, with change notification (useSyncExternalStore's shape). */
export class AnswerStore {
  readonly #states = new Map<string, AnswerState>();
  readonly #listeners = new Set<() => void>();
  readonly #read: ((eventId: string) => CapturedState | undefined) | undefined;

  /** `read` gives the capture layer's thumb and score (undefined until the client has loaded). */
  constructor(read?: (eventId: string) => CapturedState | undefined) {
    this.#read = read;
  }

  /** The same object until the answer changes (useSyncExternalStore compares snapshots). */
  get(eventId: string): AnswerState {
    const kept = this.#states.get(eventId);
    if (kept) return kept;
    const captured = this.#read?.(eventId);
    if (!captured) return EMPTY;
    const s = { ...EMPTY, ...captured };
    this.#states.set(eventId, s);
    return s;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  update(eventId: string, patch: Partial<AnswerState>): void {
    this.#states.set(eventId, { ...this.get(eventId), ...patch });
    this.#notify();
  }

  /** Re-reads thumb and score from the capture layer (after any capture, and once loaded). */
  refresh(): void {
    for (const [eventId, s] of this.#states) {
      const c = this.#read?.(eventId);
      if (c && (c.thumb !== s.thumb || c.score !== s.score)) this.#states.set(eventId, { ...s, ...c });
    }
    this.#notify();
  }

  #notify(): void {
    for (const l of [...this.#listeners]) l();
  }
}

const stores = new WeakMap<object, AnswerStore>();

/** The one store of a handle, so every view of an answer agrees. */
export function storeFor<F extends object>(handle: FeedbackHandle<F>): AnswerStore {
  let s = stores.get(handle);
  if (!s) {
    const store = (s = new AnswerStore((eventId) => handle.stateOf(eventId)));
    handle.onStateChange(() => store.refresh());
    stores.set(handle, store);
  }
  return s;
}

/**
 * The actions on `eventId` through `handle`, updating `store` when the
 * client took the call (or recorded it), and telling `onCaptured`.
 */
export function answerActions<F extends object>(
  handle: FeedbackHandle<F>,
  store: AnswerStore,
  eventId: string,
  onCaptured?: (detail: CapturedDetail) => void,
): AnswerActions {
  // After load an undefined receipt means refused: then nothing changes.
  // `patch` runs after the send; `value` too, so it can report the state the capture layer reached.
  const run = (
    signal: CapturedDetail['signal'],
    value: () => unknown,
    send: () => Receipt | undefined,
    patch: () => Partial<AnswerState>,
  ): Receipt | undefined => {
    const receipt = send();
    if (receipt === undefined && handle.client !== undefined) return undefined;
    store.update(eventId, patch());
    onCaptured?.({ eventId, signal, value: value(), receipt });
    return receipt;
  };
  // Before the client loads the press is recorded and only shown, as
  // pressed; once loaded (and replayed) the capture layer's state replaces it.
  const guess = (p: Partial<AnswerState>): Partial<AnswerState> => (handle.client ? {} : p);
  return {
    rate(up) {
      // No toggle here: the capture layer owns "the pressed thumb again withdraws".
      const pressed: Thumb = up === null ? null : up ? 'up' : 'down';
      return run('rating', () => store.get(eventId).thumb, () => handle.rate(eventId, up), () => guess({ thumb: pressed }));
    },
    setScore(value) {
      return run('score', () => value, () => handle.score(eventId, value), () => guess({ score: value }));
    },
    sendComment(text) {
      return run('comment', () => text, () => handle.comment(eventId, text), () => ({ comment: text.trim() }));
    },
    copy() {
      return run('copy', () => true, () => handle.action(eventId, 'copy'), () => ({ copies: store.get(eventId).copies + 1 }));
    },
    regenerate() {
      return run('regenerate', () => true, () => handle.action(eventId, 'regenerate'), () => ({
        regenerations: store.get(eventId).regenerations + 1,
      }));
    },
    edit(original, edited) {
      return run('edit', () => edited, () => handle.edit(eventId, original, edited), () => ({ edits: store.get(eventId).edits + 1 }));
    },
    action(name) {
      return run('action', () => name, () => handle.action(eventId, name), () => ({}));
    },
  };
}
