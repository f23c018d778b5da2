// Public surface of in-page capture: the Capture class the client delegates
// to, its host contract and options, and the attribute names for apps that
// build markup in code.
export { Capture, type CaptureHost, type CaptureOptions } from './capture.js';
export type { Target } from './targets.js';
export type { DiffResult, Feedback } from './signals.js';
export {
  ACTION,
  COMMENT_FIELD,
  CONTENT,
  EDITABLE,
  EVENT,
  FIELD,
  ORIGINAL,
  VALUE,
} from './attributes.js';
