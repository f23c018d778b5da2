#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UBSan) and runs
# each for FUZZ_SECONDS (default 15; the test command uses that, a longer
# run is e.g. `FUZZ_SECONDS=600 bash scripts/fuzz.sh`). Seeds come from
# tests/fuzz/corpus/<target>; new inputs go to build/fuzz/corpus/ so the
# repo stays clean. Any crash, leak or sanitizer report fails the run and
# leaves the reproducer in build/fuzz/artifacts/.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-15}
JOBS=${JOBS:-2}

cmake -S . -B build/fuzz -DTF_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
targets=()
for src in tests/fuzz/*_fuzz.cpp; do targets+=("$(basename "$src" .cpp)"); done
cmake --build build/fuzz -j"$JOBS" --target "${targets[@]}" >/dev/null || { echo "fuzz build failed"; exit 1; }

mkdir -p build/fuzz/artifacts
pass=0
fail=0
total_execs=0
for t in "${targets[@]}"; do
  name=${t%_fuzz}
  work="build/fuzz/corpus/$name"
  mkdir -p "$work"
  seeds="tests/fuzz/corpus/$name"
  [ -d "$seeds" ] || seeds=""
  log="build/fuzz/$t.log"
  # -rss_limit_mb: catch runaway memory; -max_len: inputs up to 64 KiB.
  ./build/fuzz/"$t" "$work" $seeds -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=2048 \
    -artifact_prefix=build/fuzz/artifacts/"$t"- -print_final_stats=1 >"$log" 2>&1
  rc=$?
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  execs=${execs:-0}
  total_execs=$((total_execs + execs))
  if [ $rc = 0 ]; then
    pass=$((pass + 1))
    echo "ok $t: $execs executions in ${SECONDS_EACH}s, no crash, leak or sanitizer report"
  else
    fail=$((fail + 1))
    echo "not ok $t (exit $rc):"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -20
  fi
done
echo "fuzz executions: $total_execs"
echo "# pass $pass"
echo "# fail $fail"
[ $fail = 0 ]
