// `npm pack` on a fresh clone (no build/, no dist/) yields the complete
// package: prepack builds it. The clone is of this checkout's committed
// HEAD, with node_modules linked (no install); prepack runs the package-only
// build (`build.sh --lib`: the wasm module and the JS, no test binaries).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUST_SHIP } from './must-ship.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

test('npm pack on a fresh clone builds first and ships the complete package', { timeout: 30 * 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-clean-clone-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const clone = join(dir, 'clone');
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], { stdio: 'pipe' });
  assert.ok(!existsSync(join(clone, 'dist')), 'the clone has no dist/');
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  const started = Date.now();
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: clone,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  // npm prints the prepack script's output before the JSON.
  const [info] = JSON.parse(out.slice(out.indexOf('[\n')));
  const files = info.files.map((f) => f.path);
  for (const must of MUST_SHIP) assert.ok(files.includes(must), `the package from a clean clone lacks ${must}`);
  t.diagnostic(`clean clone → npm pack: ${seconds} s (prepack build included), ${files.length} files, ${info.size} B packed`);
});
