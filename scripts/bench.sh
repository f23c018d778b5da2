#!/usr/bin/env bash
# npm run bench: trace-feedback side by side with the libraries a frontend
# team would pick instead, in one run on this machine; writes BENCHMARKS.md
# and bench-results.json. `--quick` is a smoke run (fewer samples) that
# writes under bench/out/ instead. Builds first when dist/ is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f dist/index.js ] || [ ! -f dist/trace_feedback_core.wasm ]; then
  bash scripts/build.sh
fi
[ -d node_modules/posthog-js ] || npm ci
exec node bench/run.mjs "$@"
