#!/usr/bin/env bash
# The main job: set up, build the jar and the CLI, then run a Spark Structured Streaming job that
# checkpoints through commitfs (with commitfs's checkpoint manager), kill -9 its driver mid-stream,
# restart it and show the recovery. Default: a local directory over filec:// (no server). `--s3`: a local
# SeaweedFS over s3c://.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
say() { printf '[demo] %s\n' "$*" >&2; }
cli=target/$(uname -m)-unknown-linux-gnu/release/commitfs
if [ -f "$cli" ] && ls build/libs/commitfs-*.jar >/dev/null 2>&1; then
  say "rebuilding what changed (seconds when nothing did), then the Spark demo (~2-3 minutes)"
else
  say "first run on this machine: it installs the toolchain, then builds, once (later runs take seconds):"
  say "  0. scripts/setup.sh: apt/pip packages, pyspark, Rust, zig (a few minutes, once)"
  say "  1. the Rust core as the JNI library the jar loads: cargo, release, ~$(grep -c '^name = ' Cargo.lock) crates,"
  say "     about 8 minutes on 2 cores (cargo prints each crate as it compiles)"
  say "  2. the commitfs CLI on the same core ($cli): 1-2 minutes more"
  say "  3. the jar (Java classes + the library): about a minute"
  say "  then the Spark demo itself: ~2-3 minutes"
fi
bash scripts/setup.sh
# The demo runs here, so it builds this machine's library only (the aarch64 cross build, ~8 more minutes
# on 2 cores, is for the distributable jar: `gradle jar`). cargo runs in the foreground so its progress
# shows; gradle then finds the library up to date.
start=$(date +%s)
say "[1/3] building the native library (Rust core + JNI) ..."
bash scripts/native.sh cargo host build --release -p commitfs-jni
say "[2/3] building the commitfs CLI ..."
bash scripts/native.sh cargo host build --release -p commitfs-cli
say "[3/3] packaging the jar ..."
COMMITFS_NATIVE_PLATFORMS=${COMMITFS_NATIVE_PLATFORMS:-host} gradle --no-daemon -q jar
say "built in $(( $(date +%s) - start )) s: $(ls build/libs/commitfs-*.jar | head -1), CLI $cli"
say "  (try: $cli doctor filec://\$PWD/some-dir  or  $cli --help)"
exec python3 demo/run_demo.py "$@"
