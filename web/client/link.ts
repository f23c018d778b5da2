// Session linking: which backend trace (session) the page's feedback
// belongs to, from setSession(), a response's W3C baggage, or a <meta> tag.
import type { Core } from '../core/boundary.js';
import { FeedbackValidationError, TraceFeedbackError } from '../errors.js';
import { checkId } from '../ids.js';
import { readHeader, sessionFromBaggage, type HeaderSource } from '../session.js';
import { monotonicNow } from '../timers.js';
import type { ClientEvents } from './events.js';

export class SessionLink<F extends object> {
  readonly #core: Core;
  readonly #events: ClientEvents<F>;
  /** The core has learnt a session: session feedback waiting for it may go. */
  readonly #changed: () => void;
  sessionId: string | undefined;
  traceparent: string | undefined;
  #warnedBaggage = false;

  constructor(core: Core, events: ClientEvents<F>, changed: () => void) {
    this.#core = core;
    this.#events = events;
    this.#changed = changed;
  }

  set(sessionId: string): void {
    const bad = checkId('sessionId', sessionId);
    if (bad) throw new FeedbackValidationError([bad]);
    if (sessionId === this.sessionId) return;
    const r = this.#core.setSession(sessionId, monotonicNow());
    if (!r.ok) throw new TraceFeedbackError('invalid_session', r.errors.map((e) => e.message).join('; '));
    this.sessionId = sessionId;
    this.#events.log('session', r.value);
    this.#changed();
  }

  /** See FeedbackClient.linkFromResponse: never throws. */
  fromResponse(source: HeaderSource): string | undefined {
    const traceparent = readHeader(source, 'traceparent');
    if (traceparent) this.traceparent = traceparent;
    const id = sessionFromBaggage(readHeader(source, 'baggage'));
    if (id === undefined) return undefined;
    // Other middleware uses `session_id` in baggage too, and apps call this
    // on every response: a value that is not ours must not break the page
    // or unlink the session already known.
    if (checkId('sessionId', id)) {
      this.#events.log('ignored a non-UUID session_id in baggage', { value: id.slice(0, 60), kept: this.sessionId });
      if (!this.#warnedBaggage) {
        this.#warnedBaggage = true;
        this.#events.emitError({
          code: 'invalid_session_in_baggage',
          message:
            `ignored baggage session_id ${JSON.stringify(id.length > 60 ? id.slice(0, 60) + '...' : id)}: not a UUID ` +
            `(kept ${this.sessionId === undefined ? 'no session' : `session ${this.sessionId}`})`,
        });
      }
      return undefined;
    }
    try {
      this.set(id);
    } catch (e) {
      this.#events.reportError(e, 'link');
      return undefined;
    }
    return id;
  }

  fromMeta(doc: Document | undefined): string | undefined {
    const content = doc?.querySelector('meta[name="honeyhive-session-id"]')?.getAttribute('content')?.trim();
    if (!content) return undefined;
    this.set(content);
    return content;
  }
}
