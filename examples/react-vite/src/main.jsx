// A Vite + React app using only the shipped bindings: the provider creates
// the client once (it loads after the page's load event), the components
// send thumbs, stars, a comment, copies, regenerations and edits onto the
// answer's span. The answer's event id and session would come from your
// chat API; here they come from the URL (?event=…&session=…) so the test
// can point the page at a span it seeded in the collector.
import { StrictMode, useState, version } from 'react';
import { createRoot } from 'react-dom/client';
import {
  FeedbackProvider,
  Thumbs,
  Stars,
  CommentBox,
  CopyButton,
  RegenerateButton,
  EditableAnswer,
  useFeedback,
} from 'trace-feedback/react';

const q = new URLSearchParams(location.search);
const ANSWER = 'The capital of France is Paris.';

function Answer({ eventId, sessionId }) {
  const feedback = useFeedback();
  const [regenerated, setRegenerated] = useState(0);
  // The session of the backend trace (from the chat response's baggage in a real app).
  useState(() => sessionId && feedback.setSession(sessionId));
  return (
    <article className="answer">
      <EditableAnswer eventId={eventId} original={ANSWER} debounceMs={300} aria-label="Answer (editable)" rows={3} />
      <Thumbs eventId={eventId} className="thumbs" />
      <Stars eventId={eventId} max={5} className="stars" />
      <CopyButton eventId={eventId} text={ANSWER}>Copy</CopyButton>
      <RegenerateButton eventId={eventId} onRegenerate={() => setRegenerated((n) => n + 1)}>Regenerate</RegenerateButton>
      <CommentBox eventId={eventId} label="What could be better?" />
      <output data-regenerated={regenerated} />
    </article>
  );
}

const options = {
  endpoint: '/feedback',
  namespace: `react-vite-${q.get('event') ?? 'demo'}`,
  onError: (e) => (window.feedbackErrors ??= []).push(e.code),
};

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <FeedbackProvider options={options}>
      <main data-react-version={version}>
        <h1>trace-feedback with React {version}</h1>
        <Answer eventId={q.get('event') ?? '6f9619ff-8b86-4d11-b42d-00c04fc964ff'} sessionId={q.get('session')} />
      </main>
    </FeedbackProvider>
  </StrictMode>,
);
