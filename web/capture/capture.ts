// Capture: both halves of in-page capture in one object, with a synchronous
// attach(): the programmatic signals (CaptureCore) and the DOM wiring
// (DomCapture). The client does not use it (it loads DomCapture only on
// attach()); it is the whole capture for code that wants it in one piece.
import { CaptureCore, type CaptureHost, type CaptureOptions } from './core.js';
import { DomCapture } from './dom.js';

export type { CaptureHost, CaptureOptions } from './core.js';

export class Capture extends CaptureCore {
  readonly #dom: DomCapture;

  constructor(host: CaptureHost, options?: CaptureOptions) {
    super(host, options);
    this.#dom = new DomCapture(this);
  }

  /** Wires every current and future control under `root`; returns a detach for this root. */
  attach(root?: ParentNode): () => void {
    return this.#dom.attach(root);
  }

  /** Removes every listener and observer, after sending edits still waiting for their timer. */
  detach(): void {
    this.#dom.detach();
  }
}
