"""RocksDB state store (the provider Spark recommends) survives kill -9 of its driver.

The same scenario and invariants as test_structured_recovery.py (harness/recovery.kill9_and_recover:
resume after the last commit, the in-flight batch re-run identically, state exact in every batch,
no temp file left with commitfs's checkpoint manager), with the state in RocksDB: changelog
checkpointing on (each batch uploads `<version>.changelog`, snapshots upload `<version>.zip` plus the
SST files under `SSTs/`), and on Spark 4 the checkpoint format version 2 (`<version>_<uuid>` file
names, the commit log naming the ids to load: a re-run batch writes new files instead of overwriting).
RocksDB's own working copy goes to spark.local.dir under the test's directory.
"""
from __future__ import annotations

import dataclasses
import re
from collections import Counter

import pytest

from harness.child import read_records
from harness.recovery import kill9_and_recover, with_manager

ROCKSDB_PROVIDER = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"
_STATE_FILE = re.compile(r"^state/\d+/\d+/(?:SSTs/)?(?P<name>[^/]+)$")
_V2_NAME = re.compile(r"^\d+_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(changelog|zip)$")


def rocksdb_conf(spark, workdir) -> dict:
    conf = {
        "spark.sql.streaming.stateStore.providerClass": ROCKSDB_PROVIDER,
        "spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled": "true",
        "spark.local.dir": str(workdir / "spark-local"),
        # A snapshot (zip + SST uploads, in the maintenance thread) every 2 versions, not every 10:
        # the run then also uploads RocksDB's SST files, possibly while the kill lands.
        "spark.sql.streaming.stateStore.minDeltasForSnapshot": "2",
        "spark.sql.streaming.stateStore.maintenanceInterval": "2s",
    }
    if not spark.version.startswith("3."):
        conf["spark.sql.streaming.stateStore.checkpointFormatVersion"] = "2"
    return conf


@pytest.mark.parametrize("manager", ["commitfs", "filecontext"])
def test_rocksdb_state_recovers_after_kill9(target, spark, tmp_path, metric, manager):
    if target.jar is None:
        pytest.skip("RocksDB state through a commitfs scheme needs the commitfs jar")
    target, expected_manager = with_manager(target, spark, manager)
    (tmp_path / "spark-local").mkdir()
    target = dataclasses.replace(target, conf={**target.conf, **rocksdb_conf(spark, tmp_path)})
    recovery, names = kill9_and_recover(target, spark, "local[2]", tmp_path, metric,
                                        expected_manager)

    # The state really was in RocksDB: its metrics in every stateful batch's progress.
    progress = read_records(tmp_path / "progress.jsonl")
    metrics = {k for p in progress for op in p["state"] for k in op.get("customMetrics", {})}
    assert any(k.startswith("rocksdb") for k in metrics), f"no RocksDB metrics in progress: {metrics}"

    state = [m["name"] for m in map(_STATE_FILE.match, names) if m]
    changelogs = [n for n in state if n.endswith(".changelog")]
    assert changelogs, f"no changelog file in the state store checkpoint: {state}"
    if not spark.version.startswith("3."):
        unique = [n for n in state if _V2_NAME.match(n)]
        assert unique, f"checkpoint format v2 names <version>_<uuid> expected: {state}"
    kinds = Counter(n.rsplit(".", 1)[-1] for n in state)
    metric("state files by kind", dict(sorted(kinds.items())))
    metric("batches run", recovery.run2[-1]["batch"] + 1)
