// Only the Emscripten glue, bundled alone: its share of the JS we ship.
import createCore from '../../dist/trace_feedback_core.mjs';

globalThis.createTraceFeedbackCore = createCore;
