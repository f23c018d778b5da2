// Types of the Emscripten-generated factory (dist/trace_feedback_core.mjs).
import type { CoreFactory } from './core/module.js';
declare const createTraceFeedbackCore: CoreFactory;
export default createTraceFeedbackCore;
