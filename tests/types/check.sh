#!/usr/bin/env bash
# tsc --strict on the usage files against the shipped .d.ts in dist/: every
# positive case must compile and every `// @ts-expect-error` must be an error
# (tsc fails on an unused one), so one tsc run checks both.
set -euo pipefail
cd "$(dirname "$0")"
../../node_modules/.bin/tsc -p tsconfig.json
files=$(ls *.ts | grep -v '\.d\.ts$')
echo "checked: $(echo $files)"
# The plain closing line scripts/test.sh counts (set -e: reached only when tsc passed).
echo "types: $(echo "$files" | wc -l) passed, 0 failed"
