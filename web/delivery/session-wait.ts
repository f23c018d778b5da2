// Session feedback waits, silently, for a session the app may never link
// (the commonest setup mistake): after WARN_AFTER_MS, one warning saying
// how to link it (onError, else the console), once per client.
import { background } from '../timers.js';

export const WARN_AFTER_MS = 10000;

export class SessionWaitWarning {
  #warned = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly waiting: () => number,
    private readonly warn: (message: string) => void,
    private readonly safely: (fn: () => void) => void,
  ) {}

  /** A capture is waiting for the session: look again in WARN_AFTER_MS. */
  arm(): void {
    if (this.#warned || this.#timer !== undefined) return;
    this.#timer = background(
      setTimeout(() => {
        this.#timer = undefined;
        this.safely(() => this.#check());
      }, WARN_AFTER_MS),
    );
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    if (this.#warned) return;
    const n = this.waiting();
    if (n === 0) return; // linked in time; a later capture re-arms
    this.#warned = true;
    this.warn(
      `${n} session feedback update${n === 1 ? ' has' : 's have'} waited ${WARN_AFTER_MS / 1000} s for a session id: ` +
        'link the session with client.linkFromResponse(response) (W3C baggage session_id), ' +
        'client.setSession(id), a <meta name="honeyhive-session-id"> tag with linkFromMeta(), or init({ sessionId })',
    );
  }
}
