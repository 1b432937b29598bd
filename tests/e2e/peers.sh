#!/usr/bin/env bash
# The peers' runs: the tests marked peer_report (one checkpoint one owner, Iceberg HadoopCatalog) on
# file:// (Hadoop's LocalFileSystem) and s3a:// (hadoop-aws on the same S3 server as s3c), recorded in
# $COMMITFS_E2E_RESULTS/peers.jsonl (default build/e2e-results/) instead of asserted. Fetches hadoop-aws
# and the AWS SDK it was built against, per Spark line's Hadoop client, from Maven Central first
# (~280 MB for Hadoop 3.3.4, ~690 MB for 3.5.0). Extra arguments go to pytest.
#   COMMITFS_E2E_SPARKS        4.3,3.5 (default) | 4.3 | 3.5
#   COMMITFS_E2E_PEER_SCHEMES  file,s3a (default) | file | s3a
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${COMMITFS_CACHE:-$HOME/.cache/commitfs}
fetch() { bash "$repo/scripts/maven-fetch.sh" "$cache/jars/hadoop-aws-$1" "${@:2}"; }
sparks=${COMMITFS_E2E_SPARKS:-4.3,3.5}
# Iceberg runs on Spark 3.5 whatever the list says: fetch for 3.5's Hadoop client in every case.
fetch 3.3.4 org/apache/hadoop/hadoop-aws/3.3.4/hadoop-aws-3.3.4.jar \
  com/amazonaws/aws-java-sdk-bundle/1.12.262/aws-java-sdk-bundle-1.12.262.jar
if [[ ",$sparks," == *,4.3,* ]]; then
  fetch 3.5.0 org/apache/hadoop/hadoop-aws/3.5.0/hadoop-aws-3.5.0.jar \
    software/amazon/awssdk/bundle/2.35.4/bundle-2.35.4.jar \
    software/amazon/s3/analyticsaccelerator/analyticsaccelerator-s3/1.3.1/analyticsaccelerator-s3-1.3.1.jar
fi
export COMMITFS_E2E_SCHEMES=${COMMITFS_E2E_PEER_SCHEMES:-file,s3a} COMMITFS_E2E_SPARKS=$sparks COMMITFS_E2E_EXCLUDE=
exec bash "$here/run.sh" -m peer_report "$@"
