#!/usr/bin/env bash
# The Spark end-to-end layer in one command (what .ci/run calls). Extra arguments go to pytest.
#   COMMITFS_E2E_SCHEMES  filec,s3c (default) | file (jar-free baseline) | any comma list
#   COMMITFS_E2E_MODES    local,standalone (default) | local | standalone
#   COMMITFS_E2E_SPARKS   4.3,3.5 (default) | 4.3 | 3.5
#   COMMITFS_E2E_EXCLUDE  test-id fragments to deselect (default: see conftest.py; empty = all)
#   COMMITFS_JAR          the commitfs jar (default: build/libs/commitfs-*.jar)
#   COMMITFS_S3_SERVER    seaweed (default) | moto, started through tests/servers/launch.py
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
start=$(date +%s)
cd "$here"  # pytest.ini: testpaths, --durations; test file arguments are relative to tests/e2e
python3 -m pytest "$@"
rc=$?
echo "[e2e] wall time $(( $(date +%s) - start )) s; schemes ${COMMITFS_E2E_SCHEMES:-filec,s3c};" \
     "modes ${COMMITFS_E2E_MODES:-local,standalone}; sparks ${COMMITFS_E2E_SPARKS:-4.3,3.5}; pytest exit $rc"
exit $rc
