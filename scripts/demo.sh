#!/usr/bin/env bash
# The main job: set up, build the jar, then run a Spark Structured Streaming job that checkpoints through
# commitfs, kill -9 its driver mid-stream, restart it and show the recovery. Default: a local directory
# over filec:// (no server). `--s3`: a local SeaweedFS over s3c://.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/setup.sh
gradle --no-daemon -q jar
exec python3 demo/run_demo.py "$@"
