// Figure 3b, the C++ half of a capture: bench/native/capture_bench.cpp run
// natively (build/native) and linked against the shipped -Oz wasm core in
// Node (bench/native/wasm.sh), rows of JSON lines. No JavaScript client in
// the loop, so it shows what the core itself costs per capture.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/bundle.mjs';

const ROWS = ['client_capture', 'one_pass', 'parse', 'validate', 'enqueue', 'one_pass_enqueue_move', 'result_text'];

function rows(cmd, argv) {
  const out = execFileSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
  return out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

export function measureNativeCapture({ captures = 60_000, log = () => {} } = {}) {
  const out = { captures, rows: ROWS };
  const bin = join(ROOT, 'build/native/bench/native/tf_capture_bench');
  try {
    if (!existsSync(bin)) throw new Error(`${bin} not built (bash scripts/build.sh)`);
    out.native = rows(bin, [String(captures), ...ROWS]);
  } catch (e) {
    out.nativeError = String(e.message ?? e).split('\n')[0];
  }
  log('native capture: the same rows in the -Oz wasm core (compiles once)');
  try {
    out.wasm = rows('bash', [join(ROOT, 'bench/native/wasm.sh'), String(captures), ...ROWS]);
  } catch (e) {
    out.wasmError = String(e.message ?? e).split('\n')[0];
  }
  return out;
}

// node bench/native-capture.mjs: this figure alone, merged into
// bench-results.json and BENCHMARKS.md re-rendered (bench/render.mjs).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { renderMarkdown } = await import('./report.mjs');
  const file = join(ROOT, 'bench-results.json');
  const results = JSON.parse(readFileSync(file, 'utf8'));
  results.nativeCapture = measureNativeCapture({ log: (m) => console.error(m) });
  results.nativeCaptureMeasuredAt = new Date().toISOString();
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), renderMarkdown(results));
  console.log(JSON.stringify(results.nativeCapture, null, 2));
}
