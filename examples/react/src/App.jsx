// A one-question chat in React whose answer arrives as a stream of tokens
// (simulated with timers over the demo backend's canned answer). The answer's
// container carries data-feedback-event from the first token, so a selection
// copied mid-stream already counts; the thumbs and Copy are enabled once the
// stream is complete, when there is a whole answer to judge. Feedback goes
// through the shipped bindings (trace-feedback/react): the provider in
// main.jsx made the client once, so nothing here awaits it.

import { useEffect, useRef, useState } from 'react';
import { CopyButton, Thumbs, useFeedback } from 'trace-feedback/react';

const TOKEN_MS = 45;

// Inline SVG rather than an emoji: no emoji font is assumed, nothing is fetched.
const THUMB = 'M2 21h4V9H2v12zm20-11c0-1.1-.9-2-2-2h-6.3l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L13.17 2 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z';
function Thumb({ down = false }) {
  return <svg className={down ? 'icon flip' : 'icon'} viewBox="0 0 24 24" aria-hidden="true"><path d={THUMB} /></svg>;
}

/** Splits text into word-sized tokens, keeping the whitespace. @param {string} text */
function tokens(text) {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export function App() {
  const feedback = useFeedback();
  const [question, setQuestion] = useState('What is the capital of New York?');
  /** @type {[{ eventId: string, full: string, shown: string, done: boolean } | null, Function]} */
  const [answer, setAnswer] = useState(null);
  const [note, setNote] = useState('');
  const timer = useRef(/** @type {ReturnType<typeof setInterval> | undefined} */ (undefined));

  // Implicit signals (a selection copied inside an answer) need the document
  // wired once; recorded now, replayed when the client has loaded.
  useEffect(() => {
    feedback.attach(document);
    // For the browser tests and the console.
    feedback.ready.then((client) => { window.feedbackClient = client; }, () => {});
    return () => feedback.detach();
  }, [feedback]);
  useEffect(() => () => clearInterval(timer.current), []);

  async function ask(e) {
    e.preventDefault();
    clearInterval(timer.current);
    setAnswer(null);
    setNote('');
    const res = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
    });
    // Never throws: a library that failed to load only costs the link (reported to onError).
    feedback.linkFromResponse(res);
    const { answer: full, event_id: eventId, error } = await res.json();
    if (!res.ok) { setNote(`backend failed: ${error}`); return; }
    const parts = tokens(full);
    let i = 0;
    // The container exists from the first token on.
    setAnswer({ eventId, full, shown: '', done: false });
    timer.current = setInterval(() => {
      i += 1;
      const done = i >= parts.length;
      setAnswer({ eventId, full, shown: parts.slice(0, i).join(''), done });
      if (done) clearInterval(timer.current);
    }, TOKEN_MS);
  }

  return (
    <>
      <header className="top">
        <h1>React example <small>trace-feedback/react + a streamed answer</small></h1>
        <nav><a href="/">Chat</a><a href="/dashboard" target="_blank" rel="noopener">Dashboard</a></nav>
      </header>
      <main>
        <form className="ask" onSubmit={ask}>
          <input value={question} onChange={(e) => setQuestion(e.target.value)} aria-label="Question" />
          <button type="submit">Ask</button>
        </form>
        {answer && (
          <article className="answer react-answer" data-feedback-event={answer.eventId}
            data-streaming={answer.done ? 'false' : 'true'}>
            <div className="answer-text" data-feedback-content>{answer.shown}{answer.done ? '' : '▍'}</div>
            <div className="controls">
              {/* Headless: the render prop draws our own thumbs, disabled while streaming. */}
              <Thumbs eventId={answer.eventId}>
                {({ thumb, rate }) => (
                  <span className="group">
                    <button type="button" className="thumb" disabled={!answer.done} aria-pressed={thumb === 'up'}
                      aria-label="Good answer" onClick={() => rate(true)}><Thumb /></button>
                    <button type="button" className="thumb" disabled={!answer.done} aria-pressed={thumb === 'down'}
                      aria-label="Bad answer" onClick={() => rate(false)}><Thumb down /></button>
                  </span>
                )}
              </Thumbs>
              <CopyButton eventId={answer.eventId} text={answer.full} className="copy" disabled={!answer.done}
                onCopied={(ok) => setNote(ok ? 'Copied ✓' : 'Copy blocked by the browser')}>Copy</CopyButton>
              <span className="note muted">{note}</span>
            </div>
            <p className="event-id muted">span {answer.eventId}</p>
          </article>
        )}
        {!answer && note && <p className="note">{note}</p>}
      </main>
    </>
  );
}
