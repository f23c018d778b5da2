// Why each queued update last failed, kept until it is delivered or given
// up, so a dead letter says what went wrong (the URL, the server's code),
// not only "max_attempts, last status 0".
import type { ClientErrorCode, ClientErrorEvent, Feedback } from '../client-types.js';
import type { WireResult } from '../transport/types.js';

/** A dead letter as the engine hands it over (takeDeadLetters). */
export interface DeadLetterJson {
  id: string;
  event_id: string | null;
  feedback: Feedback;
  status: number;
  reason: ClientErrorCode;
  attempts: number;
  /** The engine's last failure cause, once it keeps one (CONTRACTS.md). */
  cause?: string;
}

interface Cause {
  cause: string;
  code?: string;
}

export class Causes {
  readonly #last = new Map<string, Cause>();

  /** A request's answer: delivered updates are forgotten, the others remembered. */
  noteResults(results: WireResult[]): void {
    for (const r of results) {
      if (r.status >= 200 && r.status <= 299) {
        this.#last.delete(r.id);
        continue;
      }
      const cause = r.error ?? (r.status === 0 ? 'network error or timeout' : `answered ${r.status}${r.code ? ` ${r.code}` : ''}`);
      this.#last.set(r.id, { cause, ...(r.code ? { code: r.code } : {}) });
    }
  }

  /** A request that failed as a whole. */
  noteFailed(updateIds: string[], cause: string): void {
    for (const id of updateIds) this.#last.set(id, { cause });
  }

  take(updateId: string): Cause | undefined {
    const c = this.#last.get(updateId);
    this.#last.delete(updateId);
    return c;
  }
}

/** The onError event of a dead letter: code, cause and a sentence with both. */
export function deadLetterEvent<F extends object>(d: DeadLetterJson, last: Cause | undefined): ClientErrorEvent<F> {
  // The client's words carry the URL and the server's code; the engine's
  // cover what it decided alone (max_age, a status it described).
  const cause = last?.cause || d.cause || undefined;
  // A static token that expired: say so, not "rejected, 401".
  const code: ClientErrorCode = last?.code === 'token_expired' && d.status === 401 ? 'token_expired' : d.reason;
  const attempts = `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`;
  return {
    code,
    message:
      `update ${d.id} to ${d.event_id ?? 'the session'} was given up (${code}) after ${attempts}, last status ${d.status}` +
      (cause ? `; last: ${cause}` : ''),
    updateId: d.id,
    ...(d.event_id ? { eventId: d.event_id } : {}),
    status: d.status,
    ...(cause ? { cause } : {}),
    feedback: d.feedback as unknown as F,
  };
}
