#!/usr/bin/env bash
# The JVM matrix beyond CI (scripts/test.sh runs Java 17 + Hadoop 3.5.0, Java 11 + Hadoop 3.3.4, and one
# Spark test per scheme on Java 11 / 21): JUnit + contract suites on every Java/Hadoop pair that can run
# (Hadoop 3.5.0 is Java 17 bytecode, so not on 11), then the whole Spark e2e layer with Spark 3.5 on
# Java 11 and Spark 4.3 on Java 21. Ends with `N passed, M failed`. About 40 minutes on 2 cores.
#   COMMITFS_MATRIX_E2E=0 skips the e2e part.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}
logs="$here/build/test-logs/jvm-matrix"
mkdir -p "$logs"
start=$(date +%s)
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

total_pass=0; total_fail=0; total_skip=0
add() { # layer passed failed skipped
  printf '[layer] %-16s %5d passed, %d failed, %d skipped\n' "$1" "$2" "$3" "$4"
  total_pass=$((total_pass + $2)); total_fail=$((total_fail + $3)); total_skip=$((total_skip + $4))
}
source scripts/jdk.sh
source scripts/layers.sh

for pair in 21:3.5.0 11:3.3.4 17:3.3.4 21:3.3.4; do
  java=${pair%%:*} hadoop=${pair#*:}
  if [ "$java" = 17 ]; then bin=$(command -v java); else bin="$(jdk_home "$java")/bin/java"; fi
  echo "== JUnit: Java $java, Hadoop $hadoop ($(( $(date +%s) - start ))s)"
  java_layer "java$java-hadoop$hadoop" "java$java-hadoop$hadoop" -PhadoopVersion="$hadoop" -PtestJava="$bin"
done

if [ "${COMMITFS_MATRIX_E2E:-1}" != 0 ]; then
  echo "== e2e: Spark 3.5 on Java 11, Spark 4.3 on Java 21, every test and scheme ($(( $(date +%s) - start ))s)"
  COMMITFS_E2E_EXCLUDE= COMMITFS_SPARK35_JAVA_HOME="$(jdk_home 11)" COMMITFS_SPARK43_JAVA_HOME="$(jdk_home 21)" \
    bash tests/e2e/run.sh 2>&1 | tee "$logs/e2e.log"
  e2e_layer e2e-java11-21 "$logs/e2e.log" "${PIPESTATUS[0]}"
fi

echo "== total ($(( $(date +%s) - start ))s)"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
