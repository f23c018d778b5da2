// Re-renders BENCHMARKS.md from bench-results.json without measuring again
// (after a change to the report's wording): node bench/render.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/bundle.mjs';
import { renderMarkdown, wasmGrowth } from './report.mjs';

const file = join(ROOT, 'bench-results.json');
const results = JSON.parse(readFileSync(file, 'utf8'));
if (results.memory?.samples) {
  // Derived from the samples: kept in step with the report's definition.
  const growth = wasmGrowth(results.memory);
  results.memory.flat = growth.flat;
  results.memory.wasmGrowthSteps = growth.steps;
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
}
writeFileSync(join(ROOT, 'BENCHMARKS.md'), renderMarkdown(results));
