#!/usr/bin/env bash
# Fetches jars from Maven Central into a directory, each checked against Central's .sha1 file; a jar
# already there is kept. Used by setup.sh (Delta's and Iceberg's jars) and by tests/e2e/peers.sh
# (hadoop-aws and its AWS SDK for the S3A comparison runs).
#   scripts/maven-fetch.sh DIR GROUP/PATH/ARTIFACT/VERSION/ARTIFACT-VERSION.jar...
set -euo pipefail
log() { printf '[maven-fetch] %s\n' "$*" >&2; }
dir=$1; shift
central=https://repo1.maven.org/maven2
mkdir -p "$dir"
for artifact in "$@"; do
  jar="$dir/${artifact##*/}"
  [ -s "$jar" ] && continue
  log "${artifact##*/}"
  curl -fsSL --retry 3 -o "$jar.part" "$central/$artifact"
  want=$(curl -fsSL --retry 3 "$central/$artifact.sha1" | cut -c1-40)
  got=$(sha1sum "$jar.part" | cut -c1-40)
  [ "$want" = "$got" ] || { log "checksum mismatch for $artifact"; rm -f "$jar.part"; exit 1; }
  mv "$jar.part" "$jar"
done
