// Figure 4, edit diff: an answer vs its edited version at 1, 10 and 100 KB
// (fixed seed, ~2% of the words edited), trace-feedback's client.diff (C++
// Myers in its own module, trace_feedback_diff.wasm at -O3, loaded by
// init(); called through the public API: UTF-8 in, typed result out) against
// the JS diff libraries, in Chromium. Also checks that our edit_distance is
// the minimal one (Myers' D, by fast-myers-diff and by jsdiff).
import { openDriver } from './lib/pages.mjs';
import { editWords, prose } from './lib/prose.mjs';

export const SIZES = [1024, 10 * 1024, 100 * 1024];
export const EDIT_RATE = 0.02;

export async function measureDiff(browser, net, { budgetMs = 1500, log = () => {} } = {}) {
  const { context, page, startup, errors } = await openDriver(browser, net, 'diff', {}, { timeoutMs: 30000 });
  if (startup.error) {
    await context.close();
    return { error: startup.error, errors };
  }
  const results = [];
  for (const size of SIZES) {
    const original = prose(size, 1000 + size);
    const edited = editWords(original, EDIT_RATE, 2000 + size);
    const r = await page.evaluate(async ({ original, edited, budgetMs }) => {
      const { libs, exactDistance } = window.__adapter;
      const out = { exact: exactDistance(original, edited), libs: {} };
      const ours = libs['trace-feedback'](original, edited);
      out.ours = ours.edit_stats;
      out.oursSegments = ours.edits.length;
      // Round-robin over libraries, so machine load hits them alike.
      const times = Object.fromEntries(Object.keys(libs).map((k) => [k, []]));
      const spent = Object.fromEntries(Object.keys(libs).map((k) => [k, 0]));
      for (const [name, fn] of Object.entries(libs)) fn(original, edited); // warm-up
      for (let rep = 0; rep < 500; rep++) {
        let ran = false;
        for (const [name, fn] of Object.entries(libs)) {
          if (times[name].length >= 5 && spent[name] > budgetMs) continue;
          ran = true;
          const t0 = performance.now();
          fn(original, edited);
          const dt = performance.now() - t0;
          times[name].push(dt);
          spent[name] += dt;
        }
        if (!ran) break;
        await new Promise((r) => setTimeout(r, 0));
      }
      for (const [name, t] of Object.entries(times)) {
        const s = [...t].sort((a, b) => a - b);
        out.libs[name] = { reps: s.length, medianMs: s[Math.ceil(s.length / 2) - 1], minMs: s[0] };
      }
      return out;
    }, { original, edited, budgetMs });
    const minimal = r.exact.myers;
    const peers = Object.entries(r.libs).filter(([k]) => k !== 'trace-feedback');
    const fastest = peers.reduce((a, b) => (b[1].medianMs < a[1].medianMs ? b : a));
    const oursMs = r.libs['trace-feedback'].medianMs;
    results.push({
      size, originalChars: original.length, editedChars: edited.length,
      minimalDistance: minimal, jsdiffDistance: r.exact.jsdiff,
      ours: { editDistance: r.ours.edit_distance, exactFlag: r.ours.exact, equalsMinimal: r.ours.edit_distance === minimal, segments: r.oursSegments },
      libs: r.libs,
      fastestPeer: fastest[0],
      speedupVsFastestPeer: fastest[1].medianMs / oursMs,
    });
    log(`diff: ${size} B done`);
  }
  await context.close();
  const big = results.filter((x) => x.size >= 10 * 1024);
  return {
    editRate: EDIT_RATE,
    results,
    errors: errors.slice(0, 3),
    targets: {
      twiceFastestPeerAt10kAnd100k: { met: big.every((x) => x.speedupVsFastestPeer >= 2), speedups: big.map((x) => x.speedupVsFastestPeer) },
      exact: { met: results.every((x) => x.ours.equalsMinimal) },
    },
  };
}
