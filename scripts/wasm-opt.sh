#!/usr/bin/env bash
# Post-link optimisation of the shipped module (CMakeLists.txt runs it after
# the link): binaryen's wasm-opt from npm, onto a temporary file that must be
# a valid, non-empty module before it replaces the output, so a failed or
# cut-short run leaves the linked (unoptimised but correct) module in place.
#   scripts/wasm-opt.sh <in.wasm> <out.wasm> <wasm-opt flags...>
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
in=$1 out=$2
shift 2
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
node "$ROOT/node_modules/binaryen/bin/wasm-opt" "$@" "$in" -o "$tmp"
if node -e "process.exit(WebAssembly.validate(require('fs').readFileSync(process.argv[1])) ? 0 : 1)" "$tmp" \
  && [ -s "$tmp" ]; then
  mv "$tmp" "$out"
else
  echo "wasm-opt.sh: wasm-opt gave no valid module; keeping $in as $out" >&2
  cp "$in" "$out"
fi
