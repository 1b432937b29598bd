#!/usr/bin/env bash
# Fuzzes commitfs' parsers (FsPath::parse, Location::parse, S3 key round trip, configuration and store
# construction) for a bounded time: `scripts/fuzz.sh [SECONDS per target, default 60]`.
#
# With cargo-fuzz installed (`cargo install cargo-fuzz`) it runs libFuzzer; cargo-fuzz needs nightly
# flags, which RUSTC_BOOTSTRAP=1 unlocks on a stable toolchain. Without it (or if that build fails) the
# same properties run as a deterministic random-input test for the same time (`--property` forces it).
set -euo pipefail
cd "$(dirname "$0")/../rust/fuzz"
seconds=${1:-60}
mode=${2:-auto}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}
targets=(paths config endpoint)

property() {
  echo "fuzz: running the properties as a bounded test, ${seconds} s per target"
  # The main workspace's target directory and target (scripts/native.sh's x86_64 glibc-2.17 build, what
  # scripts/test.sh's Rust layer builds): commitfs-core's dependencies are already built there.
  COMMITFS_FUZZ_SECONDS=$seconds CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-../../target} \
    bash ../../scripts/native.sh cargo host test --release -- --nocapture --test-threads=1
}

if [ "$mode" = "--property" ] || ! cargo fuzz --version >/dev/null 2>&1; then
  property
  exit
fi

# libFuzzer keeps its corpus and any crash under rust/fuzz/{corpus,artifacts}/<target>.
if ! RUSTC_BOOTSTRAP=1 cargo fuzz build --fuzz-dir . --features libfuzzer; then
  echo "fuzz: cargo fuzz cannot build here; falling back to the property test"
  property
  exit
fi
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${seconds} s (libFuzzer)"
  mkdir -p "corpus/$t"
  RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir . --features libfuzzer "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048
done
echo "fuzz: no failure"
