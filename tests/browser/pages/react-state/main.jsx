// The React bindings against the capture layer's state (tests/browser/ui-state.test.mjs):
// <Thumbs> for answer ?a=, and an <EditableAnswer> whose eventId/original the
// test changes (window.setAnswer) before unmounting it (window.setEditing(false)).
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { EditableAnswer, FeedbackProvider, Thumbs, useFeedback } from 'trace-feedback/react';

const q = new URLSearchParams(location.search);
window.captured = [];
window.errors = [];
const options = {
  endpoint: '/feedback',
  sessionId: q.get('session'),
  namespace: 'ui-state-' + q.get('a'),
  onError: (e) => window.errors.push(e.code),
};

function Expose() {
  window.feedback = useFeedback();
  return null;
}

function App() {
  const [answer, setAnswer] = useState({ eventId: q.get('a'), original: q.get('original') ?? 'Paris is the capital.' });
  const [editing, setEditing] = useState(true);
  window.setAnswer = setAnswer;
  window.setEditing = setEditing;
  return (
    <FeedbackProvider options={options}>
      <Expose />
      <Thumbs eventId={q.get('a')} onCaptured={(d) => window.captured.push(`${d.signal}:${JSON.stringify(d.value)}`)} />
      {editing ? <EditableAnswer eventId={answer.eventId} original={answer.original} debounceMs={60000} aria-label="Answer (editable)" /> : null}
    </FeedbackProvider>
  );
}

createRoot(document.getElementById('root')).render(<StrictMode><App /></StrictMode>);
