"""Two Spark applications append concurrently to one Iceberg table in a HadoopCatalog: no catalog
service, no lock; the filesystem's atomic rename-without-overwrite of metadata/v<N>.metadata.json
decides which writer gets version N (harness/iceberg.py). Checked from the storage itself:

- metadata versions 1..N with no gap, one per append Spark reported successful plus the create;
- the snapshot history is linear (each snapshot's parent the one before it, no version dropped a
  snapshot of the version before), each append's tag in exactly one snapshot: none lost, none
  duplicated, no failed append;
- the table read back has every append's rows, exactly;
- the writers raced and Iceberg retried the losers (its "Retrying task after failure" log lines).

On file:// and s3a:// (peers, tests/e2e/peers.sh) the same run is recorded, not asserted
(expected on s3a: lost commits, since two renames to the same v<N> can both succeed there).
"""
from __future__ import annotations

from collections import Counter

import pytest

from harness.child import ChildDriver, driver_conf, read_records, run_racing_writers
from harness.iceberg import (CATALOG, ICEBERG_SPARK_LINE, ICEBERG_VERSION, RETRY_LOG,
                             TABLE_PROPERTIES, history_problems, iceberg_conf, iceberg_jars,
                             metadata_versions, parse_metadata, temp_files)
from harness.peers import record_peer
from harness.sparks import SparkUnavailable, spark_runtime
from harness.targets import TargetUnavailable

WRITERS = 2
APPENDS = 12
ROWS = 100
TABLE = f"{CATALOG}.db.events"


@pytest.fixture
def iceberg_spark():
    try:
        runtime = spark_runtime(ICEBERG_SPARK_LINE)
    except SparkUnavailable as why:
        pytest.skip(f"Iceberg runs on Spark {ICEBERG_SPARK_LINE}: {why}")
    jars = iceberg_jars()
    if jars is None:
        pytest.skip("iceberg-spark-runtime is missing: run scripts/setup.sh")
    java = runtime.running_on().partition(", Java ")[2]
    if java and int(java.split(".")[0]) < 17:
        pytest.skip(f"iceberg-spark-runtime {ICEBERG_VERSION} is Java 17 bytecode; Spark "
                    f"{runtime.version} runs on Java {java} here")
    return runtime, jars


def judge(target, tmp_path, drivers) -> tuple[dict, list[str]]:
    obs: dict = {}
    problems: list[str] = []
    outcomes = read_records(tmp_path / "appends.jsonl")
    if len(outcomes) != WRITERS * APPENDS:
        problems.append(f"{len(outcomes)} append outcomes recorded, {WRITERS * APPENDS} expected")
    failed = [o for o in outcomes if not o["ok"]]
    succeeded = {o["tag"] for o in outcomes if o["ok"]}
    if failed:
        problems.append(f"appends failed (Iceberg retries them): {failed[:3]}")

    names = target.list_files("warehouse", "db", "events", "metadata")
    versions = [parse_metadata(v, target.read_text("warehouse", "db", "events", "metadata",
                                                   f"v{v}.metadata.json"))
                for v in metadata_versions(names)]
    problems.extend(history_problems(versions))
    snapshots = versions[-1].snapshots if versions else ()
    tags = Counter(s.tag for s in snapshots)
    duplicated = sorted(t for t, n in tags.items() if n > 1)
    lost = sorted(succeeded - set(tags))
    unreported = sorted(set(tags) - succeeded)
    if duplicated:
        problems.append(f"appends committed more than once: {duplicated}")
    if lost:
        problems.append(f"appends reported successful, not in the table's history (lost): {lost}")
    if unreported:
        problems.append(f"in the history, not reported successful: {unreported}")
    if len(versions) != 1 + len(succeeded):
        problems.append(f"{len(versions)} metadata versions for 1 create + {len(succeeded)} appends")
    if any(s.added_records != ROWS for s in snapshots):
        problems.append(f"snapshot row counts: {[(s.tag, s.added_records) for s in snapshots]}")
    verify = read_records(tmp_path / "verify.jsonl")
    rows = verify[0]["rows_per_append"] if verify else {}
    wrong_rows = {t: rows.get(t) for t in succeeded | set(rows) if rows.get(t) != ROWS}
    if wrong_rows:
        problems.append(f"rows read back per append differ from {ROWS}: {wrong_rows}")

    retries = sum(d.log_text().count(RETRY_LOG) for d in drivers)
    obs.update({"metadata versions": len(versions), "snapshots": len(snapshots),
                "appends ok / failed": f"{len(succeeded)} / {len(failed)}",
                "lost appends": len(lost), "commit retries logged": retries,
                "temp metadata files left": len(temp_files(names))})
    seconds = sorted(o["seconds"] for o in outcomes) or [0.0]
    obs["append latency (s)"] = f"median {seconds[len(seconds) // 2]:.2f} max {seconds[-1]:.2f}"
    return obs, problems


@pytest.mark.peer_report
def test_iceberg_concurrent_appends_commit_exactly_once(target, iceberg_spark, tmp_path, metric):
    runtime, jars = iceberg_spark
    try:
        target = target.for_spark(runtime)
    except TargetUnavailable as why:
        pytest.skip(str(why))
    go = tmp_path / "go"
    done = [tmp_path / f"w{w}.done" for w in range(WRITERS)]
    conf = iceberg_conf(driver_conf(target.conf, tmp_path), jars, target.uri("warehouse"))
    drivers = []
    for w in range(WRITERS):
        config = {
            "master": "local[2]", "app": f"commitfs-iceberg-writer-{w}", "conf": conf,
            "table": TABLE, "table_location": target.uri("warehouse", "db", "events"),
            "writer": w, "create": w == 0, "table_properties": TABLE_PROPERTIES,
            "appends": APPENDS, "rows": ROWS,
            "record": str(tmp_path / "appends.jsonl"),
            "ready": str(tmp_path / f"w{w}.ready"), "go": str(go), "done": str(done[w]),
            "peers_done": [str(p) for p in done if p != done[w]],
            "verify": str(tmp_path / "verify.jsonl") if w == 0 else None,
        }
        drivers.append(ChildDriver("iceberg_appends.py", config, tmp_path, f"iceberg-w{w}", runtime))
    try:
        run_racing_writers(drivers, [tmp_path / f"w{w}.ready" for w in range(WRITERS)], go, metric)
        obs, problems = judge(target, tmp_path, drivers)
    except AssertionError as e:
        if not target.is_peer:
            raise
        obs, problems = {"outcome": "a writer did not finish"}, [str(e)[-1500:]]
    for key, value in obs.items():
        metric(key, value)
    if target.is_peer:
        path = record_peer("iceberg_concurrent_appends", target.scheme, runtime.version,
                           {**obs, "problems": [p[:500] for p in problems]})
        metric("peer outcome recorded in", path)
        return
    assert not problems, "\n".join(problems)
    assert obs["commit retries logged"] > 0, "no commit was retried: the writers did not overlap"
