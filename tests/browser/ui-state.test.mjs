// The React bindings show the capture layer's thumb, never a copy of their
// own: after a reload the pressed thumb is shown pressed and pressing it
// again withdraws (the collector gets exactly what the control then shows);
// a rate() from app code shows on <Thumbs>. And <EditableAnswer> sends a
// pending edit on unmount against its latest `original` and `eventId`.
// A small Vite-built app (tests/browser/pages/react-state), the real proxy
// and collector.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { build } from 'vite';
import { getEvent } from '../../collector/server.mjs';
import { ROOT, launchBrowser, openPage, startStack, waitFor } from './harness.mjs';

const APP = join(ROOT, 'tests/browser/pages/react-state');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

let browser;
let stack;
let out;
before(async () => {
  out = mkdtempSync(join(tmpdir(), 'tf-react-state-'));
  await build({
    root: APP,
    base: './',
    logLevel: 'warn',
    configFile: false,
    oxc: { jsx: { runtime: 'automatic' } },
    resolve: {
      alias: [
        { find: /^trace-feedback\/react$/, replacement: join(ROOT, 'dist/react/index.js') },
        { find: /^(react|react-dom)(\/.*)?$/, replacement: join(ROOT, 'node_modules/$1$2') },
      ],
    },
    build: {
      outDir: out,
      emptyOutDir: true,
      target: 'es2022',
      rolldownOptions: { onwarn: (w, warn) => (w.code === 'MODULE_LEVEL_DIRECTIVE' ? undefined : warn(w)) },
    },
  });
  const routes = {};
  for (const f of readdirSync(out, { recursive: true, withFileTypes: true })) {
    if (!f.isFile()) continue;
    const file = join(f.parentPath ?? f.path, f.name);
    routes[`/react-state/${relative(out, file).split('\\').join('/')}`] = (req, res) => {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    };
  }
  browser = await launchBrowser();
  stack = await startStack({ routes });
});
after(async () => {
  await browser?.close();
  await stack?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

const feedbackOf = (id) => getEvent(stack.collector.db, id)?.feedback;
const loaded = (page) => page.waitForFunction(() => window.feedback?.client !== undefined);

test('thumbs after a reload: shown pressed, pressed again withdraws, and a rate() from code shows', async (t) => {
  const { eventId, sessionId } = await stack.collector.client.seedSession('ui state');
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await openPage(context, `${stack.url}/react-state/index.html?a=${eventId}&session=${sessionId}`);
  const up = page.getByRole('button', { name: 'Good answer' });
  const down = page.getByRole('button', { name: 'Bad answer' });
  await loaded(page);
  await up.click();
  assert.equal(await up.getAttribute('aria-pressed'), 'true');
  await waitFor(() => feedbackOf(eventId)?.rating === true, { what: 'the 👍 delivered' });
  await page.evaluate(() => window.feedback.flush());

  await page.reload();
  await loaded(page);
  // The capture layer kept the 👍 (sessionStorage); the control shows it.
  await waitFor(async () => (await up.getAttribute('aria-pressed')) === 'true', { what: 'the kept 👍 shown after reload' });
  await up.click();
  assert.equal(await up.getAttribute('aria-pressed'), 'false', 'pressed again: shown withdrawn');
  assert.deepEqual(await page.evaluate(() => window.feedback.stateOf(new URLSearchParams(location.search).get('a'))), { thumb: null, score: null });
  await waitFor(() => feedbackOf(eventId)?.rating_withdrawn === true, { what: 'the withdrawal delivered' });
  assert.deepEqual(await page.evaluate(() => window.captured), ['rating:null'], 'onCaptured reports what was sent');

  // App code rates directly: the control follows, and the next press judges against it.
  await page.evaluate((id) => window.feedback.rate(id, false), eventId);
  await waitFor(async () => (await down.getAttribute('aria-pressed')) === 'true', { what: 'the coded 👎 shown' });
  assert.equal(await up.getAttribute('aria-pressed'), 'false');
  await waitFor(() => feedbackOf(eventId)?.rating === false && feedbackOf(eventId)?.rating_withdrawn === false, { what: 'the coded 👎 delivered' });
  await down.click();
  assert.equal(await down.getAttribute('aria-pressed'), 'false');
  await waitFor(() => feedbackOf(eventId)?.rating_withdrawn === true, { what: 'the 👎 withdrawn by the press' });
  assert.deepEqual(await page.evaluate(() => window.errors), []);
  assert.deepEqual(page.pageErrors, []);
});

test('EditableAnswer unmounted with an edit pending sends it for the latest eventId and original', async (t) => {
  const first = await stack.collector.client.seedSession('editable first');
  const latest = await stack.collector.client.seedSession('editable latest');
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await openPage(context, `${stack.url}/react-state/index.html?a=${first.eventId}&session=${latest.sessionId}`);
  await loaded(page);
  const answer = page.getByLabel('Answer (editable)');
  // debounceMs is a minute: only the unmount can send this edit.
  await answer.fill('Paris is the capital of France, on the Seine.');
  await page.evaluate((id) => window.setAnswer({ eventId: id, original: 'Paris is the capital of France.' }), latest.eventId);
  await page.evaluate(() => window.setEditing(false));
  await waitFor(() => feedbackOf(latest.eventId)?.actions?.edited === true, { what: 'the edit delivered to the latest event' });
  const f = feedbackOf(latest.eventId);
  // Against the latest original only ", on the Seine" was inserted; the first one would add "of France" too.
  const inserted = JSON.stringify(f.edits);
  assert.match(inserted, /Seine/);
  assert.doesNotMatch(inserted, /France/, `diffed against the latest original: ${inserted}`);
  assert.equal(feedbackOf(first.eventId)?.actions?.edited, undefined, 'nothing filed under the first event');
  assert.deepEqual(await page.evaluate(() => window.errors), []);
  assert.deepEqual(page.pageErrors, []);
});
