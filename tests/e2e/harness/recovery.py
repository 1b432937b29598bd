"""The Structured Streaming kill -9 / restart flow with its assertions, shared by the recovery tests
(HDFS-backed state in test_structured_recovery.py, RocksDB state in test_rocksdb_recovery.py).

Run 1 stalls after delivering its last batch, so the kill lands between foreachBatch and the commit
log: the hardest case (the batch must re-run, rewriting its state files). The restarted query must
resume at exactly the batch after the last one in the commit log, with the state exact in every
batch (structured.judge_recovery); Spark must use the expected checkpoint manager, never the
FileSystem fallback; with commitfs's manager no temp file is left in the checkpoint.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from .child import read_records
from .sparklog import FILECONTEXT_FALLBACK, checkpoint_fallback_warnings
from .structured import (FILECONTEXT_MANAGER, ROWS_PER_BATCH, Recovery, checkpoint_managers,
                         committed_batches, counter_deltas, files_per_batch, judge_recovery,
                         leftover_files, structured_driver)

# commitfs's checkpoint manager per Spark major version (Spark 3.5 keeps the classes it extends in
# another package).
COMMIT_MANAGERS = {"4": "io.commitfs.spark.CommitCheckpointFileManager",
                   "3": "io.commitfs.spark.Spark35CommitCheckpointFileManager"}


def with_manager(target, spark, manager: str):
    """(target, expected manager class suffix) for manager "filecontext" (Spark's default) or
    "commitfs" (CommitCheckpointFileManager for the Spark line; needs the commitfs jar)."""
    if manager == "filecontext":
        return target, FILECONTEXT_MANAGER
    assert manager == "commitfs", manager
    commit_manager = COMMIT_MANAGERS[spark.version.split(".")[0]]
    conf = {**target.conf, "spark.sql.streaming.checkpointFileManagerClass": commit_manager}
    return dataclasses.replace(target, conf=conf), commit_manager


def kill9_and_recover(target, spark, master: str, workdir: Path, metric, expected_manager: str,
                      batches_before_kill: int = 4, batches_after_restart: int = 4,
                      timeout: float = 240) -> tuple[Recovery, list[str]]:
    """Runs the scenario, asserts what every state store must give; returns the judged recovery and
    the checkpoint's file names (relative to the checkpoint root) for store-specific checks."""
    record = workdir / "batches.jsonl"
    in_flight = batches_before_kill - 1
    driver = structured_driver(target, master, workdir, hold_after_batch=in_flight, runtime=spark)
    try:
        driver.start()
        waited = driver.wait_until(lambda: f"holding after delivering batch {in_flight}"
                                   in driver.log_text(1), timeout, f"{batches_before_kill} batches")
        metric("start + first batches (s)", f"{waited:.1f}")
        driver.kill9()

        committed_at_kill = committed_batches(target)
        assert committed_at_kill, "no batch reached the commit log before the kill"
        assert committed_at_kill == list(range(in_flight)), committed_at_kill

        driver.start()
        waited = driver.wait_until(
            lambda: sum(r["run"] == 2 for r in read_records(record)) >= batches_after_restart,
            timeout, f"{batches_after_restart} batches after restart")
        metric("restart + batches (s)", f"{waited:.1f}")
    finally:
        driver.cleanup()

    assert driver.log_text().count(spark.running_on()) == 2
    recovery = judge_recovery(read_records(record), committed_at_kill[-1], ROWS_PER_BATCH)
    assert not recovery.problems, "\n".join(recovery.problems)
    assert recovery.replayed == [in_flight], recovery.replayed
    warnings = checkpoint_fallback_warnings(driver.log_text())
    assert not warnings, f"Spark fell back from FileContext ({FILECONTEXT_FALLBACK!r}): {warnings}"
    managers = checkpoint_managers(workdir)
    assert managers and all(m.endswith(expected_manager) for m in managers), managers

    names = target.list_files("ckpt")
    per_batch = files_per_batch(names)
    for batch in range(recovery.resumed_at):
        assert f"offsets/{batch}" in per_batch[batch] and f"commits/{batch}" in per_batch[batch]
    if expected_manager != FILECONTEXT_MANAGER:
        # commitfs's own temps (`.name.commitfs-*.tmp`, filec) are hidden from every listing.
        leftovers = [n for n in leftover_files(names) if ".commitfs-" not in n]
        assert not leftovers, f"no Spark temp file with one create per checkpoint file: {leftovers}"
    metric("batches before kill / after restart", f"{len(recovery.run1)} / {len(recovery.run2)}")
    metric("checkpoint files per batch", sorted({len(v) for v in per_batch.values()}))
    deltas = counter_deltas(recovery.run1 + recovery.run2)
    if deltas:
        metric("backend ops per batch (last)", deltas[max(deltas)])
    return recovery, names
