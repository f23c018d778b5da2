// The single-file build for a <script> tag (scripts/build-browser.mjs):
// the facade, init, the error classes and <feedback-bar>, as the global
// `TraceFeedback`. The wasm sits beside the script file.
import '../element/index.js';

export { createFeedback } from '../facade.js';
export { init, loadCore } from './lazy.js';
export { validateFeedback } from './validate.js';
export { FeedbackValidationError, TraceFeedbackError } from '../errors.js';
export { isUuid } from '../ids.js';
export { configureFeedbackBar, defineFeedbackBar } from '../element/index.js';
