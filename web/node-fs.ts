// Node's fs for the wasm loaders (the core's and the diff's), reached
// without a static import that browser bundlers would trip over:
// process.getBuiltinModule (Node >= 20.16) gives it synchronously.

/** What the loaders read with. */
export interface NodeFs {
  readFileSync(path: URL): Uint8Array;
}

type NodeProcess = { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown };

function nodeProcess(): NodeProcess | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  // A page with a `process` shim is still a page.
  if (!proc?.versions?.node || typeof (globalThis as { window?: unknown }).window !== 'undefined') return undefined;
  return proc;
}

/** Whether this is Node, where the loaders read the .wasm files from disk. */
export function inNode(): boolean {
  return nodeProcess() !== undefined;
}

/** Node's fs, or undefined in a browser (or a page with a `process` shim). */
export function nodeFs(): NodeFs | undefined {
  return nodeProcess()?.getBuiltinModule?.('node:fs') as NodeFs | undefined;
}
