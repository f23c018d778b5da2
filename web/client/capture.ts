// The capture API's hot path (enrichSpan / enrichSession): check the ids,
// walk the feedback once into plain JSON text (what JSON cannot carry is
// caught there), hand that text to the core, which validates and queues
// it, and read back the compact receipt (no JSON on the way back). Every
// refusal, the walk's, the core's rules or the engine's (queue_full,
// invalid_event_id), is one FeedbackValidationError of [{ path, code, message }].
import type { Core } from '../core/boundary.js';
import type { Receipt } from '../client-types.js';
import { FeedbackValidationError, TraceFeedbackError, issue, type FeedbackIssue } from '../errors.js';
import { checkId, isUuid } from '../ids.js';
import { monotonicNow } from '../timers.js';
import { checkFeedback, checkPlain, type CompiledLimits } from '../validate/index.js';
import { toPlainJson } from '../validate/plain.js';

export interface CaptureHooks {
  closed(): boolean;
  /** A capture was queued (arms the session wait, schedules a pump). */
  queued(receipt: Receipt): void;
}

export class CaptureApi {
  readonly #core: Core;
  readonly #limits: CompiledLimits;
  readonly #hooks: CaptureHooks;

  constructor(core: Core, limits: CompiledLimits, hooks: CaptureHooks) {
    this.#core = core;
    this.#limits = limits;
    this.#hooks = hooks;
  }

  session(args: { feedback: unknown; sessionId?: string }): Receipt {
    if (args === null || typeof args !== 'object') {
      throw new FeedbackValidationError([issue('args', 'invalid_argument', 'enrichSession expects { feedback, sessionId? }')]);
    }
    if (args.sessionId !== undefined) {
      const bad = checkId('sessionId', args.sessionId);
      if (bad) throw new FeedbackValidationError(this.#collect(args.feedback, [bad]));
      return this.#queue(args.sessionId, args.feedback);
    }
    return this.#queue('', args.feedback);
  }

  span(args: { eventId: string; feedback: unknown }): Receipt {
    if (args === null || typeof args !== 'object') {
      throw new FeedbackValidationError([issue('args', 'invalid_argument', 'enrichSpan expects { eventId, feedback }')]);
    }
    const bad = checkId('eventId', args.eventId);
    if (bad) throw new FeedbackValidationError(this.#collect(args.feedback, [bad]));
    return this.#queue(args.eventId, args.feedback);
  }

  /** For the DOM capture: eventId '' targets the session; `idPath` names the id in an error. */
  enqueue(eventId: string, feedback: unknown, idPath: string): Receipt {
    if (eventId !== '' && !isUuid(eventId)) {
      throw new FeedbackValidationError(this.#collect(feedback, [checkId(idPath, eventId) as FeedbackIssue]));
    }
    return this.#queue(eventId, feedback);
  }

  /** The id is checked already (one UUID test per capture, not two). */
  #queue(eventId: string, feedback: unknown): Receipt {
    if (this.#hooks.closed()) throw new TraceFeedbackError('closed', 'this FeedbackClient was closed');
    const plain = toPlainJson(feedback, this.#limits.walk);
    if (plain.issues.length) {
      // Report the core's findings too, on the parts the walk could check.
      throw new FeedbackValidationError(checkPlain(plain, this.#limits).errors);
    }
    const r = this.#core.capture(eventId, plain.text, monotonicNow());
    if (!r.ok) throw new FeedbackValidationError(r.errors);
    // The envelope's value has exactly the Receipt's fields.
    const receipt: Receipt = r.value;
    this.#hooks.queued(receipt);
    return receipt;
  }

  /** The issues of `feedback` added to `first`, so one throw lists everything. */
  #collect(feedback: unknown, first: FeedbackIssue[]): FeedbackIssue[] {
    return first.concat(checkFeedback(feedback, this.#limits).errors);
  }
}
