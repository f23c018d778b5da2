// The API reference: TypeDoc reads the public entries and writes HTML, and
// every exported symbol of every entry has a TSDoc comment with an @example,
// with no exceptions: an allow-list of owed symbols only ever grew stale.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, ReflectionKind } from 'typedoc';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const config = JSON.parse(readFileSync(join(ROOT, 'typedoc.json'), 'utf8'));


function commentOf(r) {
  return r.comment ?? r.signatures?.[0]?.comment ?? r.type?.declaration?.signatures?.[0]?.comment;
}

test('every public export has a TSDoc comment with an example; the HTML reference is generated', { timeout: 300_000 }, async (t) => {
  const app = await Application.bootstrapWithPlugins({
    entryPoints: config.entryPoints.map((p) => join(ROOT, p)),
    tsconfig: join(ROOT, 'tsconfig.json'),
    excludeInternal: true,
    excludePrivate: true,
    readme: 'none',
    logLevel: 'Error',
  });
  const project = await app.convert();
  assert.ok(project, 'TypeDoc converted the entries');
  const missing = [];
  let checked = 0;
  for (const mod of project.children ?? []) {
    for (const child of mod.children ?? []) {
      const r = child.kind === ReflectionKind.Reference ? child.getTargetReflectionDeep() : child;
      const c = commentOf(r);
      const documented = !!c && c.summary.some((p) => p.text.trim() !== '');
      const example = !!c && c.blockTags.some((tag) => tag.tag === '@example');
      const file = (r.sources?.[0]?.fileName ?? '').replace(/^.*?web\//, '');
      checked++;
      if (documented && example) continue;
      missing.push(`${mod.name}: ${ReflectionKind[r.kind]} ${r.name} (web/${file}) lacks ${documented ? 'an @example' : 'a comment'}`);
    }
  }
  t.diagnostic(`${checked} exported symbols checked`);
  assert.ok(checked > 0, 'the entries export symbols');
  assert.deepEqual(missing, [], 'undocumented exports');

  const out = mkdtempSync(join(tmpdir(), 'tf-docs-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  await app.generateDocs(project, out);
  assert.ok(existsSync(join(out, 'index.html')));
  const page = readdirSync(join(out, 'functions')).find((f) => f.endsWith('.createFeedback.html'));
  assert.ok(page, 'a page for createFeedback');
  assert.match(readFileSync(join(out, 'functions', page), 'utf8'), /whichever comes first/);
});
