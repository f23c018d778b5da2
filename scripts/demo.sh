#!/usr/bin/env bash
# The demo: installs what is missing, builds the library, then runs the chat
# page, its dashboard and the React example against a local HoneyHive
# stand-in (SQLite under .data/). Prints the URLs to open; Ctrl+C stops it.
#   bash scripts/demo.sh                  # http://127.0.0.1:8080 (PORT=... to change)
#   DEMO_SMOKE=1 bash scripts/demo.sh     # or --smoke: one scripted question + thumbs-up, prints the row, exits
# Extra arguments go to examples/chat/start.mjs (--host, --db, --collector-url, --latency-ms, --quiet).
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=${DEMO_SMOKE:-0}
args=()
for a in "$@"; do
  if [ "$a" = "--smoke" ]; then smoke=1; else args+=("$a"); fi
done

bash scripts/setup.sh
bash scripts/build.sh --lib   # the wasm module and the JS only: no test binaries
node examples/react/build.mjs

if [ "$smoke" = 1 ]; then
  # A free port unless one is asked for: CI machines may already use 8080.
  exec node examples/chat/start.mjs --smoke --port "${PORT:-0}" "${args[@]}"
fi
exec node examples/chat/start.mjs --port "${PORT:-8080}" "${args[@]}"
