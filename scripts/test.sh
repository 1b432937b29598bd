#!/usr/bin/env bash
# Runs every test layer on a fresh machine: set-up, Rust (cargo test), Java (JUnit + Hadoop's contract
# suites through gradle), end-to-end (Spark). Ends with one line `N passed, M failed` summing all layers.
# Layers run even if an earlier one failed, so one run reports everything.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}
logs="$here/build/test-logs"
mkdir -p "$logs"
start=$(date +%s)

bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

total_pass=0; total_fail=0; total_skip=0
add() { # layer passed failed skipped
  printf '[layer] %-6s %5d passed, %d failed, %d skipped\n' "$1" "$2" "$3" "$4"
  total_pass=$((total_pass + $2)); total_fail=$((total_fail + $3)); total_skip=$((total_skip + $4))
}
elapsed() { echo "$(( $(date +%s) - start ))s"; }
add_counted() { # layer exit-code log: counts its last `layer: N passed, M failed[, K skipped]` line
  local line p=0 f=1 s=0
  line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed" "$3" | tail -1)
  [ -n "$line" ] && read -r p f s < <(echo "$line" | sed -E "s/$1: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/" | awk '{print $1, $2, ($3==""?0:$3)}')
  [ "$2" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  add "$1" "$p" "$f" "$s"
}

# --- Rust: every `test result:` line of cargo test (unit, integration, doc tests of all crates).
echo "== rust ($(elapsed))"
# Built for the jar's x86_64 target (glibc 2.17 floor, scripts/native.sh): one build serves the tests
# and the packaged library.
bash scripts/native.sh cargo host test --release --workspace --no-fail-fast 2>&1 | tee "$logs/rust.log"
rust_rc=${PIPESTATUS[0]}
# Bounded fuzzing of the path/URI/key/config parsers as a timed random-input test (libFuzzer runs: `bash
# scripts/fuzz.sh 60` with cargo-fuzz installed); its `test result:` lines count with the Rust layer.
bash scripts/fuzz.sh "${COMMITFS_FUZZ_SECONDS:-15}" --property 2>&1 | tee -a "$logs/rust.log"
[ "${PIPESTATUS[0]}" -ne 0 ] && rust_rc=1
read -r rp rf ri < <(grep -E '^test result:' "$logs/rust.log" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed; ([0-9]+) ignored.*/\1 \2 \3/' |
  awk '{p+=$1; f+=$2; i+=$3} END {print p+0, f+0, i+0}')
[ "$rust_rc" -ne 0 ] && [ "$rf" -eq 0 ] && rf=1   # a build failure counts as a failure
add rust "$rp" "$rf" "$ri"

# --- Java: gradle builds the native library and the jar, then runs JUnit and the contract suites.
echo "== java ($(elapsed))"
if [ -f build.gradle ]; then
  gradle --no-daemon -q jar test 2>&1 | tee "$logs/java.log"
  java_rc=${PIPESTATUS[0]}
  add_counted java "$java_rc" "$logs/java.log"
fi

# --- aarch64: the linux-aarch64 library on an emulated aarch64 JVM (JNI round trip, filec + s3c smoke).
echo "== aarch64 ($(elapsed))"
bash scripts/aarch64.sh 2>&1 | tee "$logs/aarch64.log"
add_counted aarch64 "${PIPESTATUS[0]}" "$logs/aarch64.log"

# --- End to end: Spark with the built jar.
echo "== e2e ($(elapsed))"
if [ -x tests/e2e/run.sh ]; then
  bash tests/e2e/run.sh 2>&1 | tee "$logs/e2e.log"
  e2e_rc=${PIPESTATUS[0]}
  line=$(grep -E '[0-9]+ (passed|failed)' "$logs/e2e.log" | grep -E '^=+ .* =+$|passed|failed' | tail -1)
  ep=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)
  ef=$(echo "$line" | grep -oE '[0-9]+ (failed|error|errors)' | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  es=$(echo "$line" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+' || echo 0)
  ep=${ep:-0}; es=${es:-0}
  [ "$e2e_rc" -ne 0 ] && [ "$ef" -eq 0 ] && ef=1
  add e2e "$ep" "$ef" "$es"
fi

echo "== total ($(elapsed))"
[ "$total_skip" -gt 0 ] && echo "($total_skip skipped; see the README's skip list)"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
