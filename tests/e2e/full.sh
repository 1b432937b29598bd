#!/usr/bin/env bash
# The whole e2e matrix: every test on every combination of COMMITFS_E2E_SCHEMES (filec,s3c),
# COMMITFS_E2E_MODES and COMMITFS_E2E_SPARKS, nothing deselected (CI runs a slice: see README.md),
# then the peers' runs (peers.sh: file:// and s3a://, recorded, not asserted) unless
# COMMITFS_E2E_PEERS=0. Extra arguments go to pytest (both runs), e.g. -k rocksdb.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
COMMITFS_E2E_EXCLUDE= bash "$here/run.sh" "$@"
rc=$?
if [ "${COMMITFS_E2E_PEERS:-1}" != 0 ]; then
  bash "$here/peers.sh" "$@" || rc=1
fi
exit $rc
