#!/usr/bin/env bash
# The native capture bench linked against the shipped wasm core
# (build/wasm/libtf_core.a: -Oz -flto, no exceptions, as trace_feedback_core)
# with the shipped link's allocator and libc replacements, run under Node.
#   bash bench/native/wasm.sh [captures] [row...]
# TF_BENCH_MALLOC=dlmalloc|emmalloc (default emmalloc, as shipped);
# TF_BENCH_CXXFLAGS: extra flags for the bench's own compile and link (e.g. the
# -D or -mllvm flags the TF_BENCH_LIB build was configured with);
# TF_BENCH_LIB=<dir with libtf_core.a> (default build/wasm), e.g. a build
# dir configured with -DTF_HOT_OPT=-O2 to A/B optimisation levels.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
LIB=${TF_BENCH_LIB:-build/wasm}
MALLOC=${TF_BENCH_MALLOC:-emmalloc}
OPT=${TF_BENCH_OPT:--Oz}
# One build per allocator, library and flags: a run with other flags must
# not reuse a .cjs built with the last ones.
# The shipped module's post-link inlining limit, as the library's build
# was configured (CMakeLists.txt TF_WASM_INLINE).
INLINE=$(sed -n 's/^TF_WASM_INLINE:STRING=//p' "$LIB/CMakeCache.txt" 2>/dev/null || true)
OUT=build/bench-wasm/$MALLOC$(echo "$LIB" | tr / _)-$(echo "$OPT $INLINE ${TF_BENCH_CXXFLAGS:-}" | md5sum | cut -c1-8)
mkdir -p "$OUT"
# Rebuilt when anything it is made of changed (the core library, its
# sources and headers, the libc replacements, the bench itself): a stale
# .cjs against a newer core fails to link at run time.
if [ ! -f "$OUT/capture_bench.cjs" ] ||
   [ -n "$(find "$LIB/libtf_core.a" src bindings bench/native -newer "$OUT/capture_bench.cjs" -print -quit)" ]; then
  em++ -std=c++17 $OPT ${TF_BENCH_CXXFLAGS:-} -flto -fno-exceptions -DJSON_NOEXCEPTION -DTF_REPLACE_LIBC_PRINTF -DTF_REPLACE_LIBC_STRTO -DTF_BENCH_ONE_PASS \
    -Isrc -isystem build/wasm/include \
    bench/native/capture_bench.cpp bindings/libc_min.cpp bindings/strto_min.cpp "$LIB/libtf_core.a" \
    $OPT -flto -sMALLOC="$MALLOC" -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=1048576 \
    -sTOTAL_STACK=65536 -sDISABLE_EXCEPTION_CATCHING=1 -sEXIT_RUNTIME=1 -o "$OUT/capture_bench.cjs"
  # The shipped module's post-link step (CMakeLists.txt: binaryen's wasm-opt).
  if [ -x node_modules/binaryen/bin/wasm-opt ] && [ -n "$INLINE" ]; then
    cp "$OUT/capture_bench.wasm" "$OUT/capture_bench.pre-opt.wasm"
    bash scripts/wasm-opt.sh "$OUT/capture_bench.pre-opt.wasm" "$OUT/capture_bench.wasm" \
      --mvp-features "$OPT" --always-inline-max-function-size="$INLINE"
  fi
fi
# Emscripten 3.1.6 would fetch() the .wasm by path, which Node refuses.
node --no-experimental-fetch "$OUT/capture_bench.cjs" "$@"
