#!/usr/bin/env bash
# Every test, in layers: native Catch2 -> the same Catch2 tests in wasm under
# Node -> JS tests against the built package (node:test) -> tsc --strict on
# the shipped types -> npm pack installed into an empty project -> real
# Chromium. Installs and builds what it needs first (scripts/setup.sh).
# Prints a closing "N passed, N failed" line summed over all layers.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LOG_DIR=${TEST_LOG_DIR:-$ROOT/test-artifacts/logs}
mkdir -p "$LOG_DIR"

bash scripts/setup.sh || exit 1
bash scripts/build.sh || { echo "build failed"; exit 1; }

passed=0
failed=0
failed_layers=()

# Adds the counts a layer printed (Catch2 or node:test) to the totals.
count() {
  local name=$1 log=$2 rc=$3 p=0 f=0 line
  if line=$(grep -E '^test cases: ' "$log" | tail -1) && [ -n "$line" ]; then
    p=$(echo "$line" | sed -nE 's/.*\| ([0-9]+) passed.*/\1/p'); f=$(echo "$line" | sed -nE 's/.*\| ([0-9]+) failed.*/\1/p')
  elif line=$(grep -E '^All tests passed \(' "$log" | tail -1) && [ -n "$line" ]; then
    p=$(echo "$line" | sed -nE 's/.* in ([0-9]+) test cases?\)/\1/p')
  elif line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1) && [ -n "$line" ]; then
    p=$(echo "$line" | sed -nE 's/.*: ([0-9]+) passed.*/\1/p'); f=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed$/\1/p')
  else
    p=$(grep -E '^# pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
    f=$(grep -E '^# fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
  fi
  p=${p:-0}; f=${f:-0}
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  [ "$rc" = 0 ] || failed_layers+=("$name")
  printf '== %s: %s passed, %s failed\n' "$name" "$p" "$f"
}

layer() {
  local name=$1; shift
  local log="$LOG_DIR/$name.log"
  printf '\n== %s\n' "$name"
  "$@" 2>&1 | tee "$log"
  count "$name" "$log" "${PIPESTATUS[0]}"
}

export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

layer native-catch2 build/native/tf_tests --use-colour no
# The suite builds 2,000-10,000-deep JSON values in tests: nlohmann copies
# them recursively, and wasm frames live on the JS stack (default ~1 MB).
layer wasm-catch2 node --stack-size=4000 tests/native/run-wasm.cjs --use-colour no
layer js node --test --test-reporter=tap tests/js/
layer collector node --test --test-reporter=tap tests/collector/ tests/proxy/
layer types bash tests/types/check.sh
layer pack node --test --test-reporter=tap tests/pack/
# libFuzzer with ASan+UBSan on validation, merge, snapshots and the diff:
# a bounded run here; `FUZZ_SECONDS=600 bash scripts/fuzz.sh` for a long one.
layer fuzz env FUZZ_SECONDS="${FUZZ_SECONDS:-15}" bash scripts/fuzz.sh
if [ -d tests/browser ]; then
  layer browser node --test --test-concurrency=1 --test-reporter=tap tests/browser/
fi

echo
[ ${#failed_layers[@]} = 0 ] || echo "failing layers: ${failed_layers[*]}"
echo "total: $passed passed, $failed failed"
[ ${#failed_layers[@]} = 0 ]
