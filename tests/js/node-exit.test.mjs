// A Node script that captures and never closes the client must still exit:
// retry and persistence timers are unref'd (tests, SSR and CLIs would hang
// otherwise). Delivery that needs the process alive is await flush()/close().
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

test('a process with a pending, failing queue exits on its own', () => {
  const script = `
    const { init } = await import(${JSON.stringify(entry)});
    const client = await init({ endpoint: 'http://127.0.0.1:9/feedback', delivery: { flushIntervalMs: 10, retryBaseMs: 60000 } });
    client.enrichSpan({ eventId: '123e4567-e89b-12d3-a456-426614174000', feedback: { rating: true } });
    await new Promise((r) => setTimeout(r, 300));
    console.log(JSON.stringify(client.stats()));
  `;
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20000 });
  const took = Date.now() - started;
  assert.equal(r.signal, null, `killed after ${took} ms: the process did not exit by itself`);
  assert.equal(r.status, 0, r.stderr);
  const stats = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.equal(stats.queued, 1, 'the update is still queued (retrying), not dropped');
  assert.ok(took < 15000, `exited after ${took} ms`);
});
