"""Two Spark applications append concurrently to one Delta table, with no DynamoDB and no lock.

Delta's default LogStore for a scheme it has no special case for (s3c, filec) is HDFSLogStore
(harness/delta.py): every commit is a temp file renamed to _delta_log/<version>.json without
overwrite, so the filesystem's atomic rename-without-overwrite decides which writer gets a version;
the loser gets FileAlreadyExists and Delta retries the (blind) append at the next version. This is
the job s3a:// cannot do without the DynamoDB LogStore. Checked from the storage itself:

- Delta chose HDFSLogStore for the scheme (its own log line; nothing is configured for it);
- the commit files are versions 0..N with no gap, one per append that Spark reported successful
  plus the create, each append's tag in exactly one of them (no commit lost, none duplicated,
  no failed append in the log, no successful one missing);
- the table read back through Delta has every append's rows, exactly;
- the writers really raced: some commits were written at a later version than first tried.
"""
from __future__ import annotations

import time
from collections import Counter

import pytest

from harness.child import ChildDriver, driver_conf, read_records
from harness.delta import (DELTA_SPARK_LINE, HDFS_LOG_STORE, commit_versions, delta_conf,
                           delta_jars, log_stores_chosen, parse_commit)
from harness.sparks import SparkUnavailable, spark_runtime

WRITERS = 2
APPENDS = 15
ROWS = 100


@pytest.fixture
def delta_spark():
    try:
        runtime = spark_runtime(DELTA_SPARK_LINE)
    except SparkUnavailable as why:
        pytest.skip(f"Delta runs on Spark {DELTA_SPARK_LINE}: {why}")
    jars = delta_jars(runtime)
    if jars is None:
        pytest.skip(f"delta-spark or its jars are missing for Spark {runtime.version}: "
                    "run scripts/setup.sh")
    return runtime, jars


def test_delta_concurrent_appends_commit_exactly_once(target, delta_spark, tmp_path, metric):
    runtime, jars = delta_spark
    table = target.uri("delta-table")
    go = tmp_path / "go"
    done = [tmp_path / f"w{w}.done" for w in range(WRITERS)]
    drivers = []
    for w in range(WRITERS):
        config = {
            "master": "local[2]",
            "app": f"commitfs-delta-writer-{w}",
            "conf": delta_conf(driver_conf(target.conf, tmp_path), jars),
            "table": table, "writer": w, "create": w == 0,
            "appends": APPENDS, "rows": ROWS,
            "record": str(tmp_path / "appends.jsonl"),
            "ready": str(tmp_path / f"w{w}.ready"), "go": str(go), "done": str(done[w]),
            "peers_done": [str(p) for p in done if p != done[w]],
            "verify": str(tmp_path / "verify.jsonl") if w == 0 else None,
        }
        drivers.append(ChildDriver("delta_appends.py", config, tmp_path, f"delta-w{w}", runtime))
    try:
        for d in drivers:
            d.start()
        started = time.monotonic()
        for w, d in enumerate(drivers):
            d.wait_until(lambda: (tmp_path / f"w{w}.ready").exists(), 300, f"writer {w} ready")
        metric("writers ready (s)", f"{time.monotonic() - started:.1f}")
        go.touch()
        started = time.monotonic()
        for d in drivers:
            assert d.wait(timeout=600) == 0, d.log_tail()
        metric("concurrent appends + read back (s)", f"{time.monotonic() - started:.1f}")
    finally:
        for d in drivers:
            d.cleanup()

    for d in drivers:
        assert runtime.running_on() in d.log_text()
        chosen = log_stores_chosen(d.log_text())
        assert chosen.get(target.scheme) == HDFS_LOG_STORE, (
            f"Delta's LogStore for {target.scheme}: {chosen or 'not logged'}")

    outcomes = read_records(tmp_path / "appends.jsonl")
    assert len(outcomes) == WRITERS * APPENDS, f"{len(outcomes)} append outcomes recorded"
    failed = [o for o in outcomes if not o["ok"]]
    succeeded = {o["tag"] for o in outcomes if o["ok"]}

    names = target.list_files("delta-table", "_delta_log")
    versions = commit_versions(names)
    assert versions == list(range(len(versions))), f"commit versions not contiguous: {versions}"
    commits = [parse_commit(v, target.read_text("delta-table", "_delta_log", f"{v:020d}.json"))
               for v in versions]
    tags = Counter(c.user_metadata for c in commits)
    assert tags["create"] == 1 and commits[0].user_metadata == "create"
    duplicated = sorted(t for t, n in tags.items() if n > 1)
    assert not duplicated, f"appends committed more than once: {duplicated}"
    logged = set(tags) - {"create"}
    assert not succeeded - logged, f"reported successful, not in the log: {sorted(succeeded - logged)}"
    assert not logged - succeeded, f"in the log, not reported successful: {sorted(logged - succeeded)}"
    assert not failed, f"appends failed (Delta retries blind appends, none should): {failed}"
    assert len(versions) == 1 + WRITERS * APPENDS
    assert all(c.added_rows == ROWS for c in commits[1:]), [(c.version, c.added_rows) for c in commits]

    [verify] = read_records(tmp_path / "verify.jsonl")
    assert verify["rows_per_append"] == {tag: ROWS for tag in succeeded}, "rows lost or duplicated"
    assert verify["history"] == {str(c.version): c.user_metadata for c in commits}

    leftovers = [n for n in names if n.endswith(".tmp")]
    assert not leftovers, f"temp commit files left in _delta_log: {leftovers}"
    races = [c for c in commits if c.races_lost > 0]
    # Two writers each appending in a loop must collide; if none did, the test proved nothing.
    assert races, "no commit ever lost a race for its version: the writers did not overlap"
    seconds = sorted(o["seconds"] for o in outcomes)
    metric("commits", f"{len(versions)} (versions 0..{versions[-1]}, contiguous)")
    metric("commits that lost >= 1 race / versions lost", f"{len(races)} / "
           f"{sum(c.races_lost for c in races)}")
    metric("append latency (s)", f"median {seconds[len(seconds) // 2]:.2f} max {seconds[-1]:.2f}")
