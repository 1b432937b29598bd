"""Structured Streaming survives kill -9 of its driver with its checkpoint on the target scheme.

rate-micro-batch -> groupBy/agg state -> foreachBatch (fsynced local record). After the kill the
restarted query must resume at exactly the batch after the last one in the commit log: no gap, no
committed batch run again, the in-flight batch (if any) re-run with identical output, and the state
continuing with nothing lost or counted twice (harness/structured.judge_recovery). Spark must use
its FileContext checkpoint manager (atomic rename), not the FileSystem fallback.
"""
from __future__ import annotations

import dataclasses

import pytest

from harness.child import read_records
from harness.sparklog import FILECONTEXT_FALLBACK, checkpoint_fallback_warnings
from harness.structured import (FILECONTEXT_MANAGER, ROWS_PER_BATCH, checkpoint_managers,
                                committed_batches, counter_deltas, files_per_batch,
                                judge_recovery, leftover_files, structured_driver)

BATCHES_BEFORE_KILL = 4
BATCHES_AFTER_RESTART = 4
# commitfs's checkpoint manager per Spark line (Spark 3.5 keeps the classes it extends in another package).
COMMIT_MANAGERS = {"4": "io.commitfs.spark.CommitCheckpointFileManager",
                   "3": "io.commitfs.spark.Spark35CommitCheckpointFileManager"}


@pytest.mark.parametrize("manager", ["filecontext", "commitfs"])
def test_structured_streaming_recovers_after_kill9(target, spark, master, tmp_path, metric, manager):
    expected_manager = FILECONTEXT_MANAGER
    if manager == "commitfs":
        if target.jar is None:
            pytest.skip("commitfs's checkpoint manager comes with the commitfs jar")
        commit_manager = COMMIT_MANAGERS[spark.version.split(".")[0]]
        conf = {**target.conf, "spark.sql.streaming.checkpointFileManagerClass": commit_manager}
        target = dataclasses.replace(target, conf=conf)
        expected_manager = commit_manager
    record = tmp_path / "batches.jsonl"
    # Run 1 stalls after delivering its last batch, so the kill lands between foreachBatch and
    # the commit log: the hardest case (the batch must re-run, rewriting its state files).
    in_flight = BATCHES_BEFORE_KILL - 1
    driver = structured_driver(target, master, tmp_path, hold_after_batch=in_flight, runtime=spark)
    try:
        driver.start()
        waited = driver.wait_until(lambda: f"holding after delivering batch {in_flight}"
                                   in driver.log_text(1), 240, f"{BATCHES_BEFORE_KILL} batches")
        metric("start + first batches (s)", f"{waited:.1f}")
        driver.kill9()

        committed_at_kill = committed_batches(target)
        assert committed_at_kill, "no batch reached the commit log before the kill"
        assert committed_at_kill == list(range(in_flight)), committed_at_kill

        driver.start()
        waited = driver.wait_until(
            lambda: sum(r["run"] == 2 for r in read_records(record)) >= BATCHES_AFTER_RESTART,
            240, f"{BATCHES_AFTER_RESTART} batches after restart")
        metric("restart + batches (s)", f"{waited:.1f}")
    finally:
        driver.cleanup()

    assert driver.log_text().count(spark.running_on()) == 2
    recovery = judge_recovery(read_records(record), committed_at_kill[-1], ROWS_PER_BATCH)
    assert not recovery.problems, "\n".join(recovery.problems)
    assert recovery.replayed == [in_flight], recovery.replayed
    warnings = checkpoint_fallback_warnings(driver.log_text())
    assert not warnings, f"Spark fell back from FileContext ({FILECONTEXT_FALLBACK!r}): {warnings}"
    managers = checkpoint_managers(tmp_path)
    assert managers and all(m.endswith(expected_manager) for m in managers), managers

    per_batch = files_per_batch(target.list_files("ckpt"))
    for batch in range(recovery.resumed_at):
        assert f"offsets/{batch}" in per_batch[batch] and f"commits/{batch}" in per_batch[batch]
    if manager == "commitfs":
        # commitfs's own temps (`.name.commitfs-*.tmp`, filec) are hidden from every listing.
        leftovers = [n for n in leftover_files(target.list_files("ckpt")) if ".commitfs-" not in n]
        assert not leftovers, f"no Spark temp file with one create per checkpoint file: {leftovers}"
    metric("batches before kill / after restart", f"{len(recovery.run1)} / {len(recovery.run2)}")
    metric("checkpoint files per batch", sorted({len(v) for v in per_batch.values()}))
    deltas = counter_deltas(recovery.run1 + recovery.run2)
    if deltas:
        metric("backend ops per batch (last)", deltas[max(deltas)])
