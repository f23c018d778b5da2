// Public surface of in-page capture: the Capture class (both halves), the
// programmatic half the client keeps static, its host contract and options,
// and the attribute names for apps that build markup in code. The DOM half
// (./dom.js) is imported dynamically by the client, never from here.
export { Capture } from './capture.js';
export { CaptureCore, checkRoot, type CapturedState, type CaptureHost, type CaptureOptions } from './core.js';
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
