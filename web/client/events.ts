// The client's listeners and its one way of reporting: onDelivered and
// onError subscribers, the debug log, and the rule that an app callback
// that throws never breaks the loop or the page.
import { FeedbackValidationError } from '../errors.js';
import type { ClientErrorCode, ClientErrorEvent, DeliveredEvent } from '../client-types.js';

export class ClientEvents<F extends object> {
  readonly delivered = new Set<(e: DeliveredEvent) => void>();
  readonly errors = new Set<(e: ClientErrorEvent<F>) => void>();
  readonly #debug: ((message: string, data?: unknown) => void) | undefined;

  constructor(debug: boolean | ((message: string, data?: unknown) => void) | undefined) {
    this.#debug =
      typeof debug === 'function' ? debug : debug ? (m, d) => console.info(`[trace-feedback] ${m}`, d ?? '') : undefined;
  }

  /** Whether log() goes anywhere: callers skip building its data when not. */
  get logging(): boolean {
    return this.#debug !== undefined;
  }

  log(message: string, data?: unknown): void {
    if (this.#debug) this.#debug(message, data);
  }

  emitDelivered(event: DeliveredEvent): void {
    for (const cb of this.delivered) this.safely(() => cb(event));
  }

  emitError(event: ClientErrorEvent<F>): void {
    this.log('error', event);
    if (this.errors.size === 0) {
      // Nobody listens: say it once on the console rather than lose it.
      console.warn(`[trace-feedback] ${event.message}`);
      return;
    }
    for (const cb of this.errors) this.safely(() => cb(event));
  }

  /** A failure of a background path (`context` e.g. "pump", "capture.action"). */
  reportError(error: unknown, context: string): void {
    if (error instanceof FeedbackValidationError) {
      this.emitError({ code: 'invalid_feedback', message: error.message, error });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    // "capture.action" and the like report as capture_error.
    const code = `${context.split('.')[0]}_error` as ClientErrorCode;
    this.emitError({ code, message: `${context}: ${message}`, error });
  }

  safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      // An app callback threw: never let it break the loop or the page.
      this.log('callback threw', e);
    }
  }
}
