#!/usr/bin/env bash
# tsc --strict on a usage file against the shipped .d.ts in dist/.
set -euo pipefail
cd "$(dirname "$0")"
../../node_modules/.bin/tsc -p tsconfig.json
echo "types: 2 passed, 0 failed (usage.ts, typed.ts)"
