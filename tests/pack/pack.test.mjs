// npm pack -> install the tarball into an empty project -> use it from Node
// exactly as a user would (import 'trace-feedback'), including the shipped
// types and the .wasm found next to the JS.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUST_SHIP } from './must-ship.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

test('npm pack ships the wasm, the JS and the types; an empty app can use it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trace-feedback-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // --ignore-scripts: scripts/build.sh has built dist/ already; prepack itself is
  // tested from a fresh clone (clean-clone.test.mjs).
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  const [info] = JSON.parse(out);
  const files = info.files.map((f) => f.path);
  for (const must of MUST_SHIP) {
    assert.ok(files.includes(must), `tarball lacks ${must}`);
  }
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('tests/') || f.startsWith('node_modules/')), 'no sources or tests shipped');
  t.diagnostic(`tarball: ${info.filename}, ${info.size} bytes packed, ${info.unpackedSize} unpacked, ${files.length} files`);

  const app = join(dir, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(dir, info.filename)], { cwd: app, stdio: 'pipe' });
  assert.ok(existsSync(join(app, 'node_modules/trace-feedback/dist/trace_feedback_core.wasm')));
  assert.ok(existsSync(join(app, 'node_modules/trace-feedback/dist/trace_feedback_diff.wasm')));

  writeFileSync(join(app, 'use.mjs'), `
    import { init, validateFeedback, FeedbackValidationError } from 'trace-feedback';
    import { createProxyHandler, mintFeedbackToken, verifyFeedbackToken } from 'trace-feedback/server';
    const results = {};
    results.server = typeof createProxyHandler === 'function' &&
      verifyFeedbackToken(mintFeedbackToken({ secret: 's'.repeat(32), sessionId: '123e4567-e89b-12d3-a456-426614174000' }), 's'.repeat(32)).ok;
    results.valid = validateFeedback({ rating: 5, step1: { retry: true }, edits: [{ value: 'New York' }] });
    results.invalid = validateFeedback({ a: NaN });
    const client = await init({ transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 200 })) });
    const receipt = client.enrichSpan({ eventId: '123e4567-e89b-12d3-a456-426614174000', feedback: { rating: true } });
    try { client.enrichSession({ feedback: { ground_truth: 1 } }); } catch (e) { results.thrown = e instanceof FeedbackValidationError && e.errors[0].code; }
    results.receipt = receipt;
    results.diff = client.diff('I live in NYC.', 'I live in New York.').edits; // the diff module, read from the package
    const { createFeedback } = await import('trace-feedback');
    const { FeedbackClient } = await import('trace-feedback/full');
    await import('trace-feedback/element'); // registers nothing without customElements, throws nothing
    const handle = createFeedback({ namespace: 'pack-facade', transport: async (r) => r.updates.map((u) => ({ id: u.id, status: 200 })) });
    results.recorded = handle.enrichSpan({ eventId: '123e4567-e89b-12d3-a456-426614174001', feedback: { rating: false } }) === undefined;
    results.facadeClient = (await handle.ready) instanceof FeedbackClient;
    // init() above loaded the diff module in this process: the facade's edit() is synchronous.
    results.facadeEdit = typeof handle.edit('123e4567-e89b-12d3-a456-426614174001', 'Paris', 'Lyon')?.updateId === 'string';
    results.facadeFlush = await handle.flush();
    await handle.close();
    results.flush = await client.flush();
    await client.close();
    console.log(JSON.stringify(results));
  `);
  const printed = JSON.parse(execFileSync('node', ['use.mjs'], { cwd: app, encoding: 'utf8' }));
  assert.deepEqual(printed.valid, { ok: true, errors: [] });
  assert.equal(printed.invalid.errors[0].code, 'non_finite_number');
  assert.equal(printed.thrown, 'wrong_type');
  assert.equal(printed.receipt.eventId, '123e4567-e89b-12d3-a456-426614174000');
  assert.equal(printed.flush.delivered, 1);
  assert.equal(printed.server, true, 'trace-feedback/server works from the tarball');
  assert.equal(printed.recorded, true, 'createFeedback records before load');
  assert.equal(printed.facadeClient, true, 'the facade resolves to the same FeedbackClient class trace-feedback/full exports');
  assert.equal(printed.facadeFlush.delivered, 1, 'the facade flushed its edit (merged with the rating)');
  assert.deepEqual(printed.diff, [{ at: 10, from: 'NYC', op: 'replace', value: 'New York' }]);
  assert.equal(printed.facadeEdit, true);

  // The shipped .d.ts compile a strict usage file inside the app.
  writeFileSync(join(app, 'use.ts'), `
    import { validateFeedback, createFeedback, type FeedbackIssue, type FeedbackHandle } from 'trace-feedback';
    import type { ThumbsProps } from 'trace-feedback/react';
    import { configureFeedbackBar } from 'trace-feedback/element';
    const issues: FeedbackIssue[] = validateFeedback({ rating: true }).errors;
    export const n: number = issues.length;
    const handle: FeedbackHandle<{ rating?: boolean }> = createFeedback<{ rating?: boolean }>({ endpoint: '/feedback' });
    handle.enrichSpan({ eventId: 'e', feedback: { rating: true } });
    // @ts-expect-error: the declared shape is checked at compile time
    handle.enrichSpan({ eventId: 'e', feedback: { rating: 'yes' } });
    export const props: Pick<ThumbsProps, 'eventId'> = { eventId: 'e' };
    export const bar = configureFeedbackBar(handle);
  `);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'ES2020', target: 'ES2020', moduleResolution: 'bundler', lib: ['ES2020', 'DOM'], types: [] }, files: ['use.ts'] }));
  // A React app has React's types: link the repo's @types/react (a real package) into the app.
  mkdirSync(join(app, 'node_modules/@types'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules/@types/react'), join(app, 'node_modules/@types/react'), 'dir');
  try {
    execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    assert.fail(`the shipped types do not compile in the app:\n${e.stdout}`);
  }
  assert.ok(readFileSync(join(app, 'node_modules/trace-feedback/package.json'), 'utf8').includes('"types"'));
});
