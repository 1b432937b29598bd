"""Fixtures for the Spark end-to-end layer.

Every test that takes `target` runs once per scheme in $COMMITFS_E2E_SCHEMES; if it takes `master`,
once per mode in $COMMITFS_E2E_MODES ("local" = local[2], "standalone" = a Spark Master + Worker on
127.0.0.1); if it takes `spark`, once per Spark line in $COMMITFS_E2E_SPARKS (each from its own
Python environment, see harness/sparks.py). $COMMITFS_E2E_EXCLUDE then deselects combinations by
test-id fragment. The defaults below are CI's matrix. A scheme or Spark that cannot run here (no
jar, no S3 launcher, no Spark 3.5 virtualenv) is skipped with the reason.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness.s3server import S3Server, launcher_path  # noqa: E402
from harness.sparks import JAVA_HOMES, PYTHONS, SparkUnavailable, spark_runtime  # noqa: E402
from harness.targets import SCHEMES, TargetUnavailable, find_jar, make_target  # noqa: E402

_METRICS: list[tuple[str, str]] = []

# The default matrix is what CI runs (tests/e2e/README.md explains the choice).
DEFAULT_SCHEMES = "filec,s3c"
DEFAULT_MODES = "local,standalone"
DEFAULT_SPARKS = "4.3,3.5"
# Standalone on one scheme per Spark line: every pair of mode, Spark line and scheme still meets
# every test, and the full cross product would cost ~1.5x the time.
DEFAULT_EXCLUDE = ",".join([
    "filec-standalone-spark4.3", "s3c-standalone-spark3.5",
    # RocksDB state and one-owner: a slice meeting both schemes, both Spark lines and (one-owner) both
    # checkpoint managers; tests/e2e/full.sh runs the rest.
    "rocksdb_state_recovers_after_kill9[filec-spark4.3", "rocksdb_state_recovers_after_kill9[s3c-spark3.5",
    "rocksdb_state_recovers_after_kill9[s3c-spark4.3-filecontext",
    "rocksdb_state_recovers_after_kill9[filec-spark3.5-filecontext",
    "checkpoint_has_one_owner[filec-spark4.3", "checkpoint_has_one_owner[s3c-spark3.5",
    "checkpoint_has_one_owner[s3c-spark4.3-commitfs", "checkpoint_has_one_owner[filec-spark3.5-filecontext",
    # The long run: a short slice on s3c, Spark 4.3, with rotating STS sessions (tests/e2e/long_run.sh runs
    # >= 2,000 batches on every scheme).
    "long_run_stays_flat[filec", "long_run_stays_flat[s3c-spark3.5", "long_run_stays_flat[s3c-spark4.3-static",
])
# Combinations that cannot exist, deselected whatever the lists say: STS session credentials on a
# local filesystem.
NOT_APPLICABLE: tuple[str, ...] = tuple(f"long_run_stays_flat[{scheme}-spark{line}-assumed-role"
                                        for scheme in ("file", "filec") for line in ("4.3", "3.5"))


def _env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def pytest_generate_tests(metafunc):
    if "scheme" in metafunc.fixturenames:
        schemes = _env_list("COMMITFS_E2E_SCHEMES", DEFAULT_SCHEMES)
        unknown = set(schemes) - set(SCHEMES)
        if unknown:
            raise pytest.UsageError(f"COMMITFS_E2E_SCHEMES: unknown {sorted(unknown)}")
        metafunc.parametrize("scheme", schemes, scope="session")
    if "mode" in metafunc.fixturenames:
        metafunc.parametrize("mode", _env_list("COMMITFS_E2E_MODES", DEFAULT_MODES), scope="session")
    if "spark_line" in metafunc.fixturenames:
        lines = _env_list("COMMITFS_E2E_SPARKS", DEFAULT_SPARKS)
        unknown = set(lines) - set(PYTHONS)
        if unknown:
            raise pytest.UsageError(f"COMMITFS_E2E_SPARKS: unknown {sorted(unknown)}")
        metafunc.parametrize("spark_line", lines, scope="session", ids=lambda v: f"spark{v}")


def pytest_collection_modifyitems(config, items):
    """COMMITFS_E2E_EXCLUDE: comma list of test-id fragments (e.g. "standalone-spark3.5") whose
    combinations are deselected, to cut the cross product of the lists above down to a matrix."""
    fragments = _env_list("COMMITFS_E2E_EXCLUDE", DEFAULT_EXCLUDE) + list(NOT_APPLICABLE)
    keep, drop = [], []
    for item in items:
        (drop if any(f in item.nodeid for f in fragments) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_report_header(config):
    return (f"commitfs e2e: schemes={os.environ.get('COMMITFS_E2E_SCHEMES', DEFAULT_SCHEMES)} "
            f"modes={os.environ.get('COMMITFS_E2E_MODES', DEFAULT_MODES)} "
            f"sparks={os.environ.get('COMMITFS_E2E_SPARKS', DEFAULT_SPARKS)} "
            f"exclude={os.environ.get('COMMITFS_E2E_EXCLUDE', DEFAULT_EXCLUDE) or '-'} "
            f"java={_java_homes()}")


def _java_homes() -> str:
    return ",".join(f"{line}:{os.environ.get(var) or 'default'}" for line, var in JAVA_HOMES.items())


@pytest.fixture(scope="session")
def spark(spark_line):
    """The SparkRuntime (pyspark, its Python, its SPARK_HOME) a test's drivers run on."""
    try:
        return spark_runtime(spark_line)
    except SparkUnavailable as why:
        pytest.skip(str(why))


@pytest.fixture(scope="session")
def s3_server(scheme):
    """One S3 server for the whole s3c (or s3a) session (each test gets its own prefix)."""
    if scheme not in ("s3c", "s3a"):
        yield None
        return
    if scheme == "s3c" and find_jar() is None:
        pytest.skip("commitfs jar not found: build it (gradle jar) or set COMMITFS_JAR")
    if launcher_path() is None:
        pytest.skip("tests/servers/launch.py not present: no S3 server to run s3c against")
    with S3Server(os.environ.get("COMMITFS_S3_SERVER", "seaweed")) as server:
        yield server


@pytest.fixture
def target(request, scheme, s3_server, tmp_path):
    # file:// is also every test's jar-free baseline; s3a only runs the tests that report on peers.
    if scheme == "s3a" and not request.node.get_closest_marker("peer_report"):
        pytest.skip("s3a: only the tests that report on peers run there (tests/e2e/peers.sh)")
    try:
        return make_target(scheme, tmp_path, s3_server)
    except TargetUnavailable as why:
        pytest.skip(str(why))


@pytest.fixture(scope="session")
def master(mode, spark, tmp_path_factory):
    """The Spark master URL for a driver: local[2], or a standalone cluster started once."""
    if mode == "local":
        yield "local[2]"
        return
    if mode != "standalone":
        raise pytest.UsageError(f"COMMITFS_E2E_MODES: unknown mode {mode!r}")
    from harness.standalone import StandaloneCluster

    with StandaloneCluster(tmp_path_factory.mktemp("standalone"), spark) as cluster:
        yield cluster.master_url


@pytest.fixture
def metric(request):
    """metric(name, value): a measured number, printed in the session summary."""

    def record(name: str, value) -> None:
        _METRICS.append((request.node.nodeid.split("::")[-1], f"{name} = {value}"))

    return record


@pytest.fixture(autouse=True)
def _wall_time(request, metric):
    start = time.monotonic()
    yield
    metric("wall time (s)", f"{time.monotonic() - start:.1f}")


def pytest_terminal_summary(terminalreporter):
    if not _METRICS:
        return
    terminalreporter.section("commitfs e2e measurements")
    for test, line in _METRICS:
        terminalreporter.write_line(f"{test}: {line}")
