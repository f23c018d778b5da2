// Figure 6, memory: wasm heap (the module's WebAssembly.Memory, read through
// the bench page's instantiate hook: the library exposes no accessor) and
// JS heap (CDP Runtime.getHeapUsage) sampled over time while a page makes
// up to 1,000,000 captures over 1,000 answers with delivery running
// against the loopback proxy + collector. Stops early at the time budget
// and says so.
import { openDriver } from './lib/pages.mjs';
import { uuids } from './lib/stats.mjs';
import { FEEDBACK } from './capture.mjs';
import { wasmGrowth } from './report.mjs';

export async function measureMemory(browser, net, { captures = 1_000_000, budgetMs = 150_000, sampleMs = 2000, log = () => {} } = {}) {
  const { context, page, startup, errors } = await openDriver(browser, net, 'ours', { namespace: 'memory' });
  if (startup.error) {
    await context.close();
    return { error: startup.error };
  }
  const cdp = await context.newCDPSession(page);
  const ids = uuids(1000, 99);
  const t0 = Date.now();
  // The capture loop runs in the page in chunks, yielding so delivery runs.
  await page.evaluate(({ captures, ids, feedback, budgetMs }) => {
    const a = window.__adapter;
    const state = (window.__mem = { done: 0, failed: 0, errorCodes: {}, finished: false });
    const deadline = performance.now() + budgetMs;
    const chunk = 2000;
    (async () => {
      while (state.done < captures && performance.now() < deadline) {
        for (let i = 0; i < chunk; i++) {
          const n = state.done + i;
          try {
            a.capture(ids[n % ids.length], { ...feedback, actions: { copied: true, copy_count: 1 + (n % 7) } });
          } catch (e) {
            state.failed++;
            const code = e?.errors?.[0]?.code ?? e?.code ?? 'error';
            state.errorCodes[code] = (state.errorCodes[code] ?? 0) + 1;
          }
        }
        state.done += chunk;
        await new Promise((r) => setTimeout(r, 0));
      }
      state.finished = true;
    })();
  }, { captures, ids, feedback: FEEDBACK, budgetMs });

  const samples = [];
  const sample = async () => {
    const s = await page.evaluate(() => ({
      done: window.__mem.done,
      finished: window.__mem.finished,
      wasmBytes: window.__wasmMemories.reduce((t, m) => t + m.buffer.byteLength, 0),
      stats: window.__adapter.stats(),
    }));
    const heap = await cdp.send('Runtime.getHeapUsage');
    samples.push({
      t: Math.round((Date.now() - t0) / 100) / 10, captures: s.done, wasmBytes: s.wasmBytes,
      jsHeapUsed: heap.usedSize, jsHeapTotal: heap.totalSize, queued: s.stats.queued, sent: s.stats.sent,
    });
    return s;
  };
  for (;;) {
    const s = await sample();
    if (s.finished) break;
    await new Promise((r) => setTimeout(r, sampleMs));
  }
  const elapsedMs = Date.now() - t0;
  await page.evaluate(() => window.__adapter.flush());
  await cdp.send('HeapProfiler.collectGarbage');
  await sample();
  const end = await page.evaluate(() => ({ mem: window.__mem, errors: window.__adapter.errors, stats: window.__adapter.stats() }));
  await context.close();
  const wasm = samples.map((s) => s.wasmBytes);
  const heap = samples.map((s) => s.jsHeapUsed);
  const half = samples.slice(Math.floor(samples.length / 2));
  log(`memory: ${end.mem.done} captures in ${(elapsedMs / 1000).toFixed(0)} s`);
  const result = {
    requested: captures,
    captures: end.mem.done,
    stoppedAtBudget: end.mem.done < captures,
    budgetMs, elapsedMs, answers: ids.length,
    failed: end.mem.failed, errorCodes: end.mem.errorCodes, onErrorCodes: end.errors,
    final: end.stats,
    wasm: { first: wasm[0], max: Math.max(...wasm), last: wasm.at(-1) },
    jsHeap: { first: heap[0], max: Math.max(...heap), last: heap.at(-1), maxSecondHalf: Math.max(...half.map((s) => s.jsHeapUsed)), minSecondHalf: Math.min(...half.map((s) => s.jsHeapUsed)) },
    samples,
    pageErrors: errors.slice(0, 3),
  };
  const growth = wasmGrowth(result);
  return { ...result, flat: growth.flat, wasmGrowthSteps: growth.steps };
}
