#!/usr/bin/env bash
# Builds the native core and tests, the WebAssembly module, and the
# TypeScript package into dist/. Incremental: quick when nothing changed.
#   bash scripts/build.sh          # everything: native tests, wasm module + wasm test runner, dist/
#   bash scripts/build.sh --lib    # (or TF_BUILD=lib) only what the package ships: the wasm
#                                  # module and the TypeScript; no test binaries (scripts/demo.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JOBS=${JOBS:-2}
MODE=${TF_BUILD:-all}
for a in "$@"; do
  case "$a" in
    --lib) MODE=lib ;;
    *) echo "build.sh: unknown argument $a (use --lib or nothing)" >&2; exit 2 ;;
  esac
done

# Emscripten 3.1.6 (Debian) needs NODE_PATH to find acorn for its JS optimizer.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

step() { printf '\n== %s\n' "$*"; }

if [ "$MODE" != lib ]; then
  step "native core and Catch2 tests (build/native)"
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build/native -j"$JOBS"
fi

if [ "$MODE" = lib ]; then
  step "WebAssembly module (build/wasm)"
  libs=(nlohmann)
  targets=(--target trace_feedback_core --target trace_feedback_diff)
else
  step "WebAssembly module and wasm test runner (build/wasm)"
  libs=(nlohmann catch2)
  targets=()
fi
# Never put /usr/include on a wasm compile (glibc headers break it): stage
# only the header-only libraries into the build tree.
mkdir -p build/wasm/include
for lib in "${libs[@]}"; do
  if [ ! -d "build/wasm/include/$lib" ] || [ "/usr/include/$lib" -nt "build/wasm/include/$lib" ]; then
    rm -rf "build/wasm/include/$lib" && cp -r "/usr/include/$lib" build/wasm/include/
  fi
done
if [ ! -f build/wasm/CMakeCache.txt ]; then
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build/wasm -j"$JOBS" "${targets[@]}"

step "TypeScript (dist/)"
mkdir -p dist
# The edit diff is its own module (trace_feedback_diff.wasm), fetched on first use.
cp build/wasm/trace_feedback_core.mjs build/wasm/trace_feedback_core.wasm build/wasm/trace_feedback_diff.wasm dist/
npx --no-install tsc -p tsconfig.json
echo "built: $(ls -l dist/trace_feedback_core.wasm | awk '{print $5}') bytes of core wasm, $(ls -l dist/trace_feedback_diff.wasm | awk '{print $5}') of diff wasm"
node scripts/build-browser.mjs  # the single-file <script> build (dist/browser/)
