#!/usr/bin/env bash
# The long run of tests/e2e/test_long_run.py: >= 2,000 micro-batches per scheme (CI runs a short slice).
#   bash tests/e2e/long_run.sh              # 2,000 batches on filec and s3c, Spark 4.3
#   COMMITFS_LONGRUN_BATCHES=5000 bash tests/e2e/long_run.sh
# Prints each run's figures (memory/fd/thread/connection min..max after warm-up, retention) for
# tests/soak/README.md.
set -euo pipefail
cd "$(dirname "$0")"
export COMMITFS_LONGRUN_BATCHES=${COMMITFS_LONGRUN_BATCHES:-2000}
export COMMITFS_E2E_SCHEMES=${COMMITFS_E2E_SCHEMES:-filec,s3c}
export COMMITFS_E2E_SPARKS=${COMMITFS_E2E_SPARKS:-4.3}
export COMMITFS_E2E_MODES=local COMMITFS_E2E_EXCLUDE=
exec bash run.sh test_long_run.py "$@"
