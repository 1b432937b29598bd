"""Structured Streaming survives kill -9 of its driver with its checkpoint on the target scheme.

rate-micro-batch -> groupBy/agg state -> foreachBatch (fsynced local record). After the kill the
restarted query must resume at exactly the batch after the last one in the commit log: no gap, no
committed batch run again, the in-flight batch (if any) re-run with identical output, and the state
continuing with nothing lost or counted twice.
"""
from __future__ import annotations

from harness.child import ChildDriver, driver_conf, read_records
from harness.sparklog import FILECONTEXT_FALLBACK, checkpoint_fallback_warnings

ROWS_PER_BATCH = 30
BATCHES_BEFORE_KILL = 4
BATCHES_AFTER_RESTART = 4


def committed_batches(target) -> list[int]:
    return sorted(int(name) for name in target.list_files("ckpt", "commits") if name.isdigit())


def structured_driver(target, master, workdir, name="sss", run_seconds=600) -> ChildDriver:
    config = {
        "master": master,
        "conf": driver_conf(target.conf, workdir),
        "checkpoint": target.uri("ckpt"),
        "record": str(workdir / "batches.jsonl"),
        "progress": str(workdir / "progress.jsonl"),
        "rows_per_batch": ROWS_PER_BATCH,
        "trigger": "1 second",
        "run_seconds": run_seconds,
    }
    return ChildDriver("structured_counts.py", config, workdir, name)


def test_structured_streaming_recovers_after_kill9(target, master, tmp_path, metric):
    record = tmp_path / "batches.jsonl"
    driver = structured_driver(target, master, tmp_path)
    try:
        driver.start()
        waited = driver.wait_until(lambda: len(read_records(record)) >= BATCHES_BEFORE_KILL,
                                   240, f"{BATCHES_BEFORE_KILL} batches")
        metric("start + first batches (s)", f"{waited:.1f}")
        driver.kill9()

        committed_at_kill = committed_batches(target)
        assert committed_at_kill, "no batch reached the commit log before the kill"
        last_committed = committed_at_kill[-1]
        assert committed_at_kill == list(range(last_committed + 1)), committed_at_kill
        run1 = [r for r in read_records(record) if r["run"] == 1]

        driver.start()
        waited = driver.wait_until(
            lambda: sum(r["run"] == 2 for r in read_records(record)) >= BATCHES_AFTER_RESTART,
            240, f"{BATCHES_AFTER_RESTART} batches after restart")
        metric("restart + batches (s)", f"{waited:.1f}")
    finally:
        driver.cleanup()

    run2 = [r for r in read_records(record) if r["run"] == 2]
    ids1 = [r["batch"] for r in run1]
    ids2 = [r["batch"] for r in run2]
    assert ids1 == list(range(len(ids1))), f"run 1 batch ids not contiguous from 0: {ids1}"
    assert ids2[0] == last_committed + 1, (
        f"restart resumed at batch {ids2[0]}, but the commit log ended at {last_committed}")
    assert ids2 == list(range(ids2[0], ids2[0] + len(ids2))), f"gap after restart: {ids2}"
    # Only the batch that was in flight at the kill may appear in both runs, identically.
    rerun = set(ids1) & set(ids2)
    assert rerun <= {last_committed + 1}, f"committed batches ran twice: {sorted(rerun)}"
    for batch in rerun:
        first = next(r for r in run1 if r["batch"] == batch)
        second = next(r for r in run2 if r["batch"] == batch)
        assert first["state"] == second["state"], f"batch {batch} replay differs"

    for r in run1 + run2:
        total = sum(r["state"].values())
        assert total == r["max_value"] + 1 == ROWS_PER_BATCH * (r["batch"] + 1), (
            f"state after batch {r['batch']} counts {total} rows, max value {r['max_value']}: "
            "rows lost or counted twice")

    assert committed_batches(target)[-1] >= ids2[-1] - 1
    warnings = checkpoint_fallback_warnings(driver.log_text())
    assert not warnings, f"Spark fell back from FileContext ({FILECONTEXT_FALLBACK!r}): {warnings}"
    metric("batches before kill / after restart", f"{len(ids1)} / {len(ids2)}")
    metric("resumed at batch", ids2[0])
