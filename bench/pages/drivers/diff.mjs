// The edit-diff contenders in one page: trace-feedback's client.diff (C++
// Myers in trace_feedback_diff.wasm, which init() loads) and the JS diff libraries.
import { init } from 'trace-feedback';
import { diffChars } from 'diff';
import fastDiff from 'fast-diff';
import DiffMatchPatch from 'diff-match-patch';
import { diff as myersDiff } from 'fast-myers-diff';

export async function start() {
  const client = await init({ endpoint: '/feedback', persistence: 'memory' });
  const dmp = new DiffMatchPatch();
  const libs = {
    'trace-feedback': (a, b) => client.diff(a, b),
    'diff (jsdiff diffChars)': (a, b) => diffChars(a, b),
    'fast-diff': (a, b) => fastDiff(a, b),
    'diff-match-patch': (a, b) => dmp.diff_main(a, b),
    'fast-myers-diff': (a, b) => {
      let n = 0;
      for (const [sx, ex, sy, ey] of myersDiff(a, b)) n += ex - sx + (ey - sy);
      return n;
    },
  };
  /** Inserted + deleted characters of a minimal script, two ways. */
  function exactDistance(a, b) {
    let myers = 0;
    for (const [sx, ex, sy, ey] of myersDiff(a, b)) myers += ex - sx + (ey - sy);
    let js = 0;
    for (const part of diffChars(a, b)) if (part.added || part.removed) js += part.value.length;
    return { myers, jsdiff: js };
  }
  return { client, libs, exactDistance };
}
