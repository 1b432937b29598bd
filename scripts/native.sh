#!/usr/bin/env bash
# The JNI library for every platform the jar ships, each loadable on glibc >= 2.17 (CentOS 7, Amazon
# Linux 2, RHEL 8, Ubuntu 18.04+): cargo-zigbuild links with zig (PyPI `ziglang`) against glibc 2.17's
# symbol versions, whatever glibc the build machine has.
#
#   scripts/native.sh build OUT_DIR [CARGO_ARGS...]
#                                         each platform's library into OUT_DIR/linux-<arch>/ (gradle jar;
#                                         CARGO_ARGS such as `--features bench-hooks` go to cargo build)
#   scripts/native.sh cargo ARCH ARGS...  `cargo ARGS` for ARCH's 2.17 target (ARCH `host` = this machine's):
#                                         scripts/test.sh runs the Rust tests this way, so the tests and the
#                                         packaged library share one build
#
# COMMITFS_NATIVE_PLATFORMS (default "x86_64 aarch64"; `host` = this machine's) narrows `build`, e.g. to
# x86_64 while iterating.
# scripts/setup.sh installs what this needs: ziglang, cargo-zigbuild, and for the other architecture
# Debian's rustc-web with that architecture's standard library (rustup cannot fetch targets here).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}
glibc=2.17
log() { printf '[native] %s\n' "$*" >&2; }

# The first compiler whose sysroot has ARCH's standard library: rustup's for the host, Debian's
# rustc-web (/usr/bin/rustc, std from libstd-rust-web-dev:<arch>) for the other architecture.
rustc_for() {
  local triple=$1 rustc
  for rustc in rustc /usr/bin/rustc; do
    command -v "$rustc" >/dev/null 2>&1 || continue
    [ -d "$("$rustc" --print sysroot)/lib/rustlib/$triple/lib" ] && { echo "$rustc"; return; }
  done
  log "no Rust standard library for $triple: run scripts/setup.sh (Debian's rustc-web and"
  log "libstd-rust-web-dev:${triple%%-*}), or set COMMITFS_NATIVE_PLATFORMS to the platforms you have"
  return 1
}

# cargo-zigbuild SUBCOMMAND for ARCH's target at the glibc floor.
zig_cargo() {
  local arch=$1 sub=$2; shift 2
  [ "$arch" = host ] && arch=$(uname -m)
  local triple="$arch-unknown-linux-gnu" rustc
  rustc=$(rustc_for "$triple")
  RUSTC=$rustc cargo-zigbuild "$sub" --target "$triple.$glibc" "$@"
}

case ${1:-} in
  build)
    out=${2:?usage: scripts/native.sh build OUT_DIR [CARGO_ARGS...]}
    shift 2
    target_dir=${CARGO_TARGET_DIR:-$here/target}
    cd "$here"
    for arch in ${COMMITFS_NATIVE_PLATFORMS:-x86_64 aarch64}; do
      [ "$arch" = host ] && arch=$(uname -m)
      start=$(date +%s)
      zig_cargo "$arch" build --release -p commitfs-jni "$@"
      mkdir -p "$out/linux-$arch"
      cp "$target_dir/$arch-unknown-linux-gnu/release/libcommitfs_jni.so" "$out/linux-$arch/"
      log "linux-$arch: $(( $(date +%s) - start )) s"
    done
    ;;
  cargo)
    shift
    zig_cargo "$@"
    ;;
  *)
    sed -n '2,16p' "$0" >&2
    exit 2
    ;;
esac
