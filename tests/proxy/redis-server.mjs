// A real redis-server for the tests: free loopback port, temp dir, no
// persistence; started and stopped by the test (only the pid we spawned).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_BIN = '/usr/bin/redis-server';

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** @param {{ port?: number, dir?: string }} [options] reuse port/dir to restart "the same" Redis */
export async function startRedis(options = {}) {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'trace-feedback-redis-'));
  const child = spawn(REDIS_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${log}`)), 10_000);
    child.stdout.on('data', (d) => {
      log += d;
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(undefined);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited ${code}: ${log}`));
    });
  });
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.once('exit', r));
  return {
    port, dir, url: `redis://127.0.0.1:${port}`,
    /** Stops this redis-server (our own child, by pid). */
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    async dispose() {
      await this.stop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
