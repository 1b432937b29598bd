#!/usr/bin/env bash
# What scripts/native.sh and scripts/aarch64.sh need, from the package registries only; each step
# checks before it installs (called by scripts/setup.sh):
# - zig (PyPI `ziglang`) and cargo-zigbuild (crates.io): link against glibc 2.17's symbol versions;
# - Debian's rustc-web with libstd-rust-web-dev:arm64: the aarch64 standard library, which rustup cannot
#   fetch here (multiarch: `dpkg --add-architecture arm64`); rustup's toolchain stays first on PATH;
# - qemu-user-static and an arm64 JRE unpacked into the cache (not installed: the arm64 openjdk package
#   would take over /usr/bin/java's alternative), to run the aarch64 tests under emulation.
set -euo pipefail
log() { printf '[setup] %s\n' "$*" >&2; }
cache=${COMMITFS_CACHE:-$HOME/.cache/commitfs}
export DEBIAN_FRONTEND=noninteractive

python3 -c 'import ziglang' 2>/dev/null || {
  log "pip: ziglang"
  python3 -m pip install -q --disable-pip-version-check "ziglang==0.17.1"
}
command -v cargo-zigbuild >/dev/null 2>&1 || {
  log "cargo install cargo-zigbuild (a few minutes, once)"
  cargo install -q --locked cargo-zigbuild --version 0.24.1
}

dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
want=(rustc-web libstd-rust-web-dev:arm64 qemu-user-static binutils libc6:arm64 zlib1g:arm64 libgcc-s1:arm64 libstdc++6:arm64)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt: ${missing[*]}"
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jre="$cache/jre-arm64"
if [ ! -x "$jre/usr/lib/jvm/java-17-openjdk-arm64/bin/java" ]; then
  log "arm64 JRE into $jre"
  rm -rf "$jre.part" && mkdir -p "$jre.part"
  (cd "$jre.part" && apt-get download -qq openjdk-17-jre-headless:arm64 2>/dev/null && dpkg -x ./*.deb . && rm -f ./*.deb)
  rm -rf "$jre" && mv "$jre.part" "$jre"
fi
