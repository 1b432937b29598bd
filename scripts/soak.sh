#!/usr/bin/env bash
# Reliability soak: the cross-process race, kill -9 and Spark-overwrite tests of
# java/src/test/java/io/commitfs/hadoop/reliability at soak size, then the Rust fault soak (injected
# network faults, rust/core/tests/faults.rs) and server restarts (SeaweedFS killed and restarted on its
# data mid-operations, rust/core/tests/restart.rs).
# Prints rounds, crashes, faults and violations; exits non-zero on any violation or failed test.
#
#   scripts/soak.sh                 # >= 10,000 race rounds, >= 200 crashes (about an hour on 2 cores)
#   SOAK_SCALE=0.1 scripts/soak.sh  # a tenth of that, for a quick look
#
# Sizes (override any): COMMITFS_SOAK_RACE_ROUNDS_FILEC / _S3C (rounds per race kind: create, rename,
# FileContext rename), COMMITFS_SOAK_CRASHES (per scheme), COMMITFS_SOAK_REPLACE_MS (per scheme),
# COMMITFS_SOAK_PROCESSES (racing JVMs, default 8), COMMITFS_SOAK_FAULTS (injected network faults, at
# least 150), COMMITFS_SOAK_RESTARTS (server kills + restarts).
set -euo pipefail
cd "$(dirname "$0")/.."

scale=${SOAK_SCALE:-1}
scaled() { python3 -c "import sys; print(max(1, int(float(sys.argv[1]) * float(sys.argv[2]))))" "$1" "$scale"; }
export COMMITFS_SOAK_RACE_ROUNDS_FILEC=${COMMITFS_SOAK_RACE_ROUNDS_FILEC:-$(scaled 3000)}
export COMMITFS_SOAK_RACE_ROUNDS_S3C=${COMMITFS_SOAK_RACE_ROUNDS_S3C:-$(scaled 340)}
export COMMITFS_SOAK_CRASHES=${COMMITFS_SOAK_CRASHES:-$(scaled 100)}
export COMMITFS_SOAK_REPLACE_MS=${COMMITFS_SOAK_REPLACE_MS:-$(scaled 60000)}
export COMMITFS_SOAK_FAULTS=${COMMITFS_SOAK_FAULTS:-$(python3 -c "print(max(150, $(scaled 1000)))")}
export COMMITFS_SOAK_RESTARTS=${COMMITFS_SOAK_RESTARTS:-$(scaled 40)}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}

report_dir=$(mktemp -d -t commitfs-soak.XXXXXX)
chmod 700 "$report_dir"
trap 'rm -rf "$report_dir"' EXIT
export COMMITFS_SOAK_REPORT="$report_dir/report.txt"
: > "$COMMITFS_SOAK_REPORT"

start=$(date +%s)
java_status=0
gradle --no-daemon -q jar test -Ptests='io\.commitfs\.hadoop\.reliability\.(CrossProcessRace|KillDuringCommit)Test' \
  || java_status=$?

rust_status=0
COMMITFS_SOAK=1 cargo test --release -p commitfs-core --test faults --test restart -- --nocapture 2>&1 \
  | tee "$report_dir/rust.txt" || rust_status=$?
# Each test prints "<kind>: faults=N violations=M" (a server restart counts as one fault).
for kind in faults restart; do
  sum() { grep -oE "$kind: faults=[0-9]+ violations=[0-9]+" "$report_dir/rust.txt" | grep -oE "$1=[0-9]+" \
    | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}'; }
  echo "rust-$kind all rounds=0 crashes=0 faults=$(sum faults) violations=$(sum violations)" >> "$COMMITFS_SOAK_REPORT"
done

echo "---- soak summary ($(( $(date +%s) - start )) s) ----"
cat "$COMMITFS_SOAK_REPORT"
read -r rounds crashes faults violations < <(awk '{
  for (i = 3; i <= NF; i++) { split($i, kv, "="); t[kv[1]] += kv[2] }
} END { print t["rounds"]+0, t["crashes"]+0, t["faults"]+0, t["violations"]+0 }' "$COMMITFS_SOAK_REPORT")
echo "rounds=$rounds crashes=$crashes faults=$faults violations=$violations java_status=$java_status rust_status=$rust_status"
if [ "$violations" -ne 0 ] || [ "$java_status" -ne 0 ] || [ "$rust_status" -ne 0 ]; then
  echo "soak: FAILED"
  exit 1
fi
echo "soak: ok"
