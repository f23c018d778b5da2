// trace-feedback/element: importing it registers <feedback-bar>, the Web
// Component for every framework (Vue, Svelte, Angular, plain HTML).
//
//   <feedback-bar event-id="6f9619ff-…" stars="5" comment></feedback-bar>
import { defineFeedbackBar } from './feedback-bar.js';

defineFeedbackBar();

export { configureFeedbackBar, defineFeedbackBar } from './feedback-bar.js';
export type { CapturedDetail } from '../entry/answer-state.js';
