#!/usr/bin/env bash
# Benchmarks commitfs against its peers in one run and prints one table (Markdown copy in
# build/bench/results.md): s3c:// vs s3a:// on the same local SeaweedFS, filec:// vs file:// (LocalFileSystem
# and RawLocalFileSystem) on the same disk, and a Structured Streaming query (pyspark) checkpointing to s3c://
# vs s3a:// (workload 7).
#   bash scripts/bench.sh             full run, ~19 minutes on an idle 2-core machine
#   bash scripts/bench.sh --quick     ~5 minutes, smaller sizes, fewer batches
# Other options go to the harness: --scale X (large file and listing sizes), --only WORDS,
# --targets WORDS (comma-separated substrings), --no-s3, --no-strace, --dir DIR (POSIX test directory).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '[bench] %s\n' "$*" >&2; }

# COMMITFS_JAR measures another build of the jar (e.g. a branch under development; built with
# -PcargoFeatures=bench-hooks for the raw baselines and the JNI overhead). By default the jar is built here,
# with the benchmark's native entry points, as commitfs-<version>-bench.jar (the product jar has none).
jar="${COMMITFS_JAR:-$here/build/libs/commitfs-0.1.0-bench.jar}"
if [ -z "${COMMITFS_JAR:-}" ] && [ -f "$here/build.gradle" ]; then
  log "building the commitfs jar with the bench hooks (gradle jar -PcargoFeatures=bench-hooks)"
  (cd "$here" && gradle --no-daemon -q --console=plain jar -PcargoFeatures=bench-hooks) ||
    log "gradle jar failed: commitfs rows will be skipped"
fi
[ -f "$jar" ] || log "no $jar: only the peers are measured"

log "building the harness"
(cd "$here/bench" && COMMITFS_JAR="$jar" gradle --no-daemon -q --console=plain writeClasspath)
cp="$(cat "$here/bench/build/classpath.txt")"
[ -f "$jar" ] && cp="$jar:$cp"

mkdir -p "$here/build/bench"
exec java -Xmx3g -XX:+UseParallelGC -Dcommitfs.repo="$here" -cp "$cp" io.commitfs.bench.Main \
  --out "$here/build/bench/results.md" "$@"
