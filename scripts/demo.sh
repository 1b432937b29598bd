#!/usr/bin/env bash
# The main job: set up, build the jar, then run a Spark Structured Streaming job that checkpoints through
# commitfs, kill -9 its driver mid-stream, restart it and show the recovery. Default: a local directory
# over filec:// (no server). `--s3`: a local SeaweedFS over s3c://.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/setup.sh
# The demo runs here, so it packages this machine's library only (the aarch64 cross build, ~8 more
# minutes on 2 cores, is for the distributable jar: `gradle jar`). The first build compiles the Rust
# core: several minutes on a small machine; later runs take seconds.
echo "[demo] building the commitfs jar (Rust core + JVM classes; first time: several minutes)" >&2
COMMITFS_NATIVE_PLATFORMS=${COMMITFS_NATIVE_PLATFORMS:-host} gradle --no-daemon -q jar
exec python3 demo/run_demo.py "$@"
