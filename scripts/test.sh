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
  printf '[layer] %-7s %5d passed, %d failed, %d skipped\n' "$1" "$2" "$3" "$4"
  total_pass=$((total_pass + $2)); total_fail=$((total_fail + $3)); total_skip=$((total_skip + $4))
}
elapsed() { echo "$(( $(date +%s) - start ))s"; }

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

# --- Java: gradle builds the native library and the jar, then runs JUnit and the contract suites: on
# Java 17 with Hadoop 3.5.0, then on Java 11 with Hadoop 3.3.4 (Spark 3.5's client, Hadoop 3.3's JUnit 4
# contract suites, in build/hadoop-3.3.4). Java 21 and the other pairs: scripts/jvm-matrix.sh.
source scripts/jdk.sh
source scripts/layers.sh
if [ -f build.gradle ]; then
  echo "== java ($(elapsed))"
  java_layer java java
  echo "== java, Hadoop 3.3.4 on Java 11 ($(elapsed))"
  java_layer java33 java-hadoop33 -PhadoopVersion=3.3.4 -PtestJava="$(jdk_home 11)/bin/java"
fi

# --- aarch64: the linux-aarch64 library on an emulated aarch64 JVM (JNI round trip, filec + s3c smoke).
echo "== aarch64 ($(elapsed))"
bash scripts/aarch64.sh 2>&1 | tee "$logs/aarch64.log"
counted_layer aarch64 aarch64 "$logs/aarch64.log" "${PIPESTATUS[0]}"

# --- End to end: Spark with the built jar.
echo "== e2e ($(elapsed))"
if [ -x tests/e2e/run.sh ]; then
  bash tests/e2e/run.sh 2>&1 | tee "$logs/e2e.log"
  e2e_layer e2e "$logs/e2e.log" "${PIPESTATUS[0]}"
fi

# --- End to end on other JVMs: Spark 3.5 on Java 11, Spark 4.3 on Java 21, one test per scheme: on
# Spark 3.5 the Structured Streaming kill -9 recovery with commitfs's (Java 8 bytecode) checkpoint manager
# on filec, everywhere else the RDD checkpoint (one Spark session). The full matrix: scripts/jvm-matrix.sh.
echo "== e2e on Java 11 / 21 ($(elapsed))"
if [ -x tests/e2e/run.sh ]; then
  COMMITFS_E2E_MODES=local COMMITFS_E2E_SPARKS=3.5,4.3 COMMITFS_E2E_EXCLUDE= \
    COMMITFS_SPARK35_JAVA_HOME="$(jdk_home 11)" COMMITFS_SPARK43_JAVA_HOME="$(jdk_home 21)" \
    bash tests/e2e/run.sh test_structured_recovery.py test_rdd_checkpoint.py \
    -k "(commitfs and filec and spark3.5) or (rdd and s3c) or (rdd and filec and spark4.3)" \
    2>&1 | tee "$logs/e2e-jvm.log"
  e2e_layer e2e-jvm "$logs/e2e-jvm.log" "${PIPESTATUS[0]}"
fi

echo "== total ($(elapsed))"
[ "$total_skip" -gt 0 ] && echo "($total_skip skipped; see the README's skip list)"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
