// Fetches a .wasm file and compiles it, for both modules (the core's and
// the diff's). Compiled as it downloads when served as application/wasm;
// from the bytes otherwise, which compileStreaming would refuse (a static
// server that does not know the type). Compiling needs no imports, so it
// can start before the code that instantiates the module has loaded.
export async function fetchCompiled(url: string): Promise<WebAssembly.Module> {
  const r = await fetch(url, { credentials: 'same-origin' });
  if (!r.ok) throw new Error(`HTTP ${r.status} for ${url}`);
  if (typeof WebAssembly.compileStreaming === 'function' && /^application\/wasm\b/i.test(r.headers.get('content-type') ?? '')) {
    return WebAssembly.compileStreaming(r);
  }
  return WebAssembly.compile(await r.arrayBuffer());
}
