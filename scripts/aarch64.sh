#!/usr/bin/env bash
# The linux-aarch64 library at work on an aarch64 JVM, emulated by qemu-user: the JNI round trip and
# a filec + s3c (SeaweedFS) smoke with an exclusive-create race (JniRoundTripTest, PlatformSmokeTest).
# Runs after `gradle jar test` (it reuses that run's compiled tests and class path). The S3 server is
# started by the test, natively, on the host's loopback: qemu-user shares the host's network and execve.
# Ends with `aarch64: N passed, M failed, K skipped`. A few minutes: every instruction is emulated.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
cache=${COMMITFS_CACHE:-$HOME/.cache/commitfs}
java=${COMMITFS_ARM64_JAVA:-$cache/jre-arm64/usr/lib/jvm/java-17-openjdk-arm64/bin/java}
classes=${COMMITFS_AARCH64_TESTS:-'.*\.(JniRoundTripTest|PlatformSmokeTest)'}
reports=build/test-results/aarch64
fail() { echo "aarch64: $*"; echo "aarch64: 0 passed, 1 failed"; exit 1; }

command -v qemu-aarch64-static >/dev/null || fail "no qemu-aarch64-static: run scripts/setup.sh"
[ -x "$java" ] || fail "no arm64 JRE at $java: run scripts/setup.sh"
[ -s build/test-classpath.txt ] || fail "no build/test-classpath.txt: run \`gradle jar test\` first"
[ -f build/resources/main/native/linux-aarch64/libcommitfs_jni.so ] || fail "the aarch64 library was not built"

# Proof that the JVM really is aarch64 (and so can only have loaded the aarch64 library).
arch=$(qemu-aarch64-static "$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *os.arch = //p')
[ "$arch" = aarch64 ] || fail "the emulated JVM reports os.arch '$arch', not aarch64"

rm -rf "$reports" && mkdir -p "$reports" build/tmp/junit-aarch64
start=$(date +%s)
# C1 only: C2's compile work is itself emulated and does not pay off in a run this short. FORK: the
# default launch goes through jspawnhelper, an aarch64 binary the kernel cannot exec without binfmt_misc;
# a plain fork + exec of python3 (the S3 server launcher) runs it natively.
timeout 900 qemu-aarch64-static "$java" -Xmx1g -XX:TieredStopAtLevel=1 -Djdk.lang.Process.launchMechanism=FORK \
  -Djava.io.tmpdir="$here/build/tmp/junit-aarch64" \
  -cp "$(cat build/test-classpath.txt)" org.junit.platform.console.ConsoleLauncher execute \
  --disable-banner --disable-ansi-colors --details=tree --details-theme=ascii --include-classname "$classes" \
  --scan-class-path "build/classes/java/test" --reports-dir "$reports"
rc=$?
# The launcher's XML report is the authority; its totals: tests, failures + errors, skipped.
read -r tests bad skipped < <(python3 - "$reports" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
t = b = s = 0
for f in glob.glob(sys.argv[1] + "/*.xml"):
    r = ET.parse(f).getroot()
    for suite in ([r] if r.tag == "testsuite" else r.iter("testsuite")):
        t += int(suite.get("tests", 0)); s += int(suite.get("skipped", 0))
        b += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
print(t, b, s)
PY
)
echo "aarch64: ran in $(( $(date +%s) - start )) s under qemu"
[ "${tests:-0}" -gt 0 ] || fail "no test ran (launcher exit $rc)"
[ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && bad=1
echo "aarch64: $((tests - bad - skipped)) passed, $bad failed, $skipped skipped"
[ "$bad" -eq 0 ]
