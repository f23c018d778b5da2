#!/usr/bin/env bash
# Closure Compiler for Emscripten 3.1.6's `--closure 1` (CMakeLists.txt sets
# EM_CLOSURE_COMPILER to this file for the link): runs the native binary of
# the npm package google-closure-compiler-linux, adapting what 3.1.6 passes
# to what today's compiler accepts:
# - `--language_in ECMASCRIPT_NEXT_IN`, a name later releases dropped, is
#   passed as ECMASCRIPT_NEXT;
# - 3.1.6's closure-externs.js declares the WebGPU globals (`var GPU;` ...)
#   that the compiler's own externs now declare too, a hard error: they are
#   left out of a copy of that file (the glue uses no WebGPU).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=()
prev=""
for a in "$@"; do
  if [ "$a" = ECMASCRIPT_NEXT_IN ]; then
    a=ECMASCRIPT_NEXT
  elif [ "$prev" = --externs ] && [ "$(basename "$a")" = closure-externs.js ]; then
    grep -v -E '^var GPU[A-Za-z]*;$' "$a" > "$tmp/closure-externs.js"
    a="$tmp/closure-externs.js"
  fi
  args+=("$a")
  prev="$a"
done
"$ROOT/node_modules/google-closure-compiler-linux/compiler" "${args[@]}"
