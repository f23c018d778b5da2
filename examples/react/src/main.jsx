// Entry of the React example bundle (built by ../build.mjs). The provider
// creates the feedback client once; the wasm files (the core, and the edit
// diff fetched on the first edit) are the ones the demo serves with the
// library at /dist/.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { FeedbackProvider } from 'trace-feedback/react';
import { App } from './App.jsx';

const options = { endpoint: '/feedback', wasmUrl: '/dist/trace_feedback_core.wasm', diffWasmUrl: '/dist/trace_feedback_diff.wasm' };

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <FeedbackProvider options={options}>
      <App />
    </FeedbackProvider>
  </StrictMode>,
);
