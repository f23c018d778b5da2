/**
 * The `<feedback-bar>` Web Component, registered on import, for every other framework and plain HTML.
 *
 * @packageDocumentation
 * @module trace-feedback/element
 */
// trace-feedback/element: importing it registers <feedback-bar>, the Web
// Component for every framework (Vue, Svelte, Angular, plain HTML).
//
//   <feedback-bar event-id="6f9619ff-…" stars="5" comment></feedback-bar>
import { defineFeedbackBar } from './feedback-bar.js';

defineFeedbackBar();

export { configureFeedbackBar, defineFeedbackBar } from './feedback-bar.js';
export type { CapturedDetail } from '../entry/answer-state.js';
