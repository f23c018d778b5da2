// What `npm publish` would ship, from `npm publish --dry-run`: the complete
// package and nothing else, every `exports` target inside it, `engines`
// that match what the shipped code needs, and the metadata a registry page
// shows (description, keywords, repository, homepage, license + LICENSE).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUST_SHIP } from './must-ship.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

function dryRunFiles() {
  // --ignore-scripts: dist/ is built by scripts/build.sh; prepack is tested from a clean clone.
  const out = execFileSync('npm', ['publish', '--dry-run', '--json', '--ignore-scripts', '--tag', 'dry-run'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const info = JSON.parse(out.slice(out.indexOf('{')));
  return (info.files ?? info[pkg.name]?.files).map((f) => f.path);
}

/** Every file path an `exports` map points at (conditions and subpaths flattened). */
function exportTargets(node, out = []) {
  if (typeof node === 'string') out.push(node.replace(/^\.\//, ''));
  else if (node && typeof node === 'object') for (const v of Object.values(node)) exportTargets(v, out);
  return out;
}

test('npm publish --dry-run lists the complete package and nothing else', (t) => {
  const files = dryRunFiles();
  for (const must of MUST_SHIP) assert.ok(files.includes(must), `a publish would lack ${must}`);
  const stray = files.filter((f) => !/^dist\//.test(f) && !['package.json', 'README.md', 'LICENSE'].includes(f));
  assert.deepEqual(stray, [], 'only dist/, package.json, README.md and LICENSE are published');
  assert.deepEqual(files.filter((f) => /\.(map|tgz|ts)$/.test(f) && !f.endsWith('.d.ts')), [], 'no maps, tarballs or TS sources');
  for (const target of exportTargets(pkg.exports)) {
    if (target.includes('*')) {
      const prefix = target.slice(0, target.indexOf('*'));
      assert.ok(files.some((f) => f.startsWith(prefix)), `exports pattern ${target} matches a shipped file`);
    } else {
      assert.ok(files.includes(target), `exports target ${target} is shipped`);
    }
  }
  for (const field of ['main', 'module', 'types', 'unpkg', 'jsdelivr']) {
    assert.ok(files.includes(pkg[field].replace(/^\.\//, '')), `${field} (${pkg[field]}) is shipped`);
  }
  t.diagnostic(`a publish would ship ${files.length} files`);
});

test('engines tells the truth about what the shipped code needs', () => {
  const min = /^>=(\d+)\.(\d+)/.exec(pkg.engines.node);
  assert.ok(min, `engines.node is a lower bound: ${pkg.engines.node}`);
  const [major, minor] = [Number(min[1]), Number(min[2])];
  const loader = readFileSync(join(ROOT, 'dist/core/loader.js'), 'utf8');
  if (loader.includes('getBuiltinModule')) {
    // process.getBuiltinModule arrived in Node 20.16 (and 22.3).
    assert.ok(major > 20 || (major === 20 && minor >= 16), `the loader uses process.getBuiltinModule: engines must say >=20.16, says ${pkg.engines.node}`);
  }
  assert.equal(pkg.type, 'module');
  assert.ok(!('require' in (pkg.exports['.'] ?? {})), 'ESM only: no require condition is promised');
  const [nodeMajor, nodeMinor] = process.versions.node.split('.').map(Number);
  assert.ok(nodeMajor > major || (nodeMajor === major && nodeMinor >= minor), 'this very test runs on a Node that engines allows');
});

test('registry metadata and the license file', () => {
  assert.ok(pkg.description.length > 40, 'a description');
  assert.ok(pkg.keywords.length >= 5 && pkg.keywords.includes('honeyhive'), 'keywords');
  assert.match(pkg.repository.url, /^git\+https:\/\/.+\.git$/);
  assert.match(pkg.homepage, /^https:\/\//);
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) \d{4} /);
  for (const peer of ['react', 'react-dom']) {
    assert.match(pkg.peerDependencies[peer], /\^18.*\|\|.*\^19/, `${peer} 18 and 19 as peers`);
    assert.equal(pkg.peerDependenciesMeta[peer].optional, true, `${peer} optional: the core needs no React`);
  }
  assert.deepEqual(pkg.sideEffects.sort(), ['./dist/browser/*.js', './dist/element/index.js'], 'only the registering modules have side effects');
});
