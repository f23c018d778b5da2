// Runs one part of the bench alone and prints its figures as JSON, for
// measuring a build change without the whole 5-minute `npm run bench`:
//   node bench/part.mjs size | startup | capture | memory  [--quick]
import { buildPages, launch } from './lib/pages.mjs';
import { OUT, startBenchNetwork } from './lib/servers.mjs';
import { join } from 'node:path';
import { measureSizes } from './size.mjs';
import { measureStartup } from './startup.mjs';
import { measureCapture } from './capture.mjs';
import { measureMemory } from './memory.mjs';

const [part = 'size', ...rest] = process.argv.slice(2);
const quick = rest.includes('--quick');
const log = (m) => console.error(`[${part}] ${m}`);
let out;
if (part === 'size') {
  out = await measureSizes(join(OUT, 'size'));
} else {
  await buildPages();
  const net = await startBenchNetwork();
  const browser = await launch();
  try {
    if (part === 'startup') out = await measureStartup(browser, net, { loads: quick ? 3 : 20, log });
    else if (part === 'capture') out = await measureCapture(browser, net, { calls: quick ? 2000 : 10000, rounds: quick ? 2 : 5, log });
    else if (part === 'memory') out = await measureMemory(browser, net, { captures: 1_000_000, budgetMs: quick ? 15_000 : 180_000, log });
    else throw new Error(`unknown part ${part}: size, startup, capture or memory`);
  } finally {
    await browser.close();
    await net.close();
  }
}
console.log(JSON.stringify(out, null, 2));
