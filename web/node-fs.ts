// Node's fs for the wasm loaders (the core's and the diff's), reached
// without a static import that browser bundlers would trip over:
// process.getBuiltinModule (Node >= 20.16) gives it synchronously.

/** What the loaders read with. */
export interface NodeFs {
  readFileSync(path: URL): Uint8Array;
}

/** Node's fs, or undefined in a browser (or a page with a `process` shim). */
export function nodeFs(): NodeFs | undefined {
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } })
    .process;
  if (!proc?.versions?.node || typeof (globalThis as { window?: unknown }).window !== 'undefined') return undefined;
  return proc.getBuiltinModule?.('node:fs') as NodeFs | undefined;
}
