"""A DStream with updateStateByKey survives kill -9 of its driver via StreamingContext.getOrCreate.

The test feeds a directory with small files ("apple pear pear" each) through both runs and the
downtime between them. After the restart the state must continue from the checkpoint (never reset)
and finally count every file exactly once; checkpoint-<time> files must be on the target storage,
and the per-checkpoint write times Spark logged are reported.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from harness.child import ChildDriver, driver_conf, read_records
from harness.sparklog import dstream_checkpoint_writes, summarize_millis

FILE_TEXT = "apple pear pear\n"
FEED_INTERVAL = 0.5
DOWNTIME_FEED_SECONDS = 2.0


class Feeder(threading.Thread):
    """Moves one small file into the input directory every FEED_INTERVAL seconds until finish()."""

    def __init__(self, directory: Path):
        super().__init__(daemon=True)
        self.directory = directory
        self.count = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            staging = self.directory / f".part-{self.count:05d}.tmp"
            staging.write_text(FILE_TEXT)
            # Rename: the stream must never see a half-written file; dot-files are ignored by it.
            os.rename(staging, self.directory / f"part-{self.count:05d}.txt")
            self.count += 1
            self._stop_event.wait(FEED_INTERVAL)

    def finish(self) -> int:
        self._stop_event.set()
        self.join()
        return self.count


def checkpoint_times(target) -> list[int]:
    names = target.list_files("ckpt")
    return sorted(int(n.split("-", 1)[1]) for n in names
                  if n.startswith("checkpoint-") and n.split("-", 1)[1].isdigit())


def test_dstream_state_recovers_after_kill9(target, spark, master, tmp_path, metric):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    record = tmp_path / "state.jsonl"
    config = {
        "master": master,
        "conf": driver_conf(target.conf, tmp_path),
        "checkpoint": target.uri("ckpt"),
        "input": inbox.as_uri(),
        "record": str(record),
        "batch_seconds": 1,
        "state_checkpoint_seconds": 2,
        "run_seconds": 600,
    }
    driver = ChildDriver("dstream_counts.py", config, tmp_path, "dstream", spark)
    feeder = Feeder(inbox)

    def apples(run=None):
        return [r["state"].get("apple", 0) for r in read_records(record)
                if run is None or r["run"] == run]

    try:
        driver.start()
        waited = driver.wait_until(lambda: "streaming started" in driver.log_text(1), 240,
                                   "the StreamingContext to start")
        metric("driver start (s)", f"{waited:.1f}")
        feeder.start()
        driver.wait_until(lambda: max(apples(1), default=0) >= 4 and len(checkpoint_times(target)) >= 2,
                          120, "4 files counted and 2 checkpoints")
        driver.kill9()
        ckpts_at_kill = checkpoint_times(target)
        run1 = [r for r in read_records(record) if r["run"] == 1]
        # Files that arrive while the driver is down belong to the batches recovery replays.
        time.sleep(DOWNTIME_FEED_SECONDS)
        fed = feeder.finish()

        driver.start()
        waited = driver.wait_until(lambda: fed in apples(2), 240, f"all {fed} files counted")
        metric("restart to all files counted (s)", f"{waited:.1f}")
    finally:
        if feeder.is_alive():
            feeder.finish()
        driver.cleanup()

    run2 = [r for r in read_records(record) if r["run"] == 2]
    assert ckpts_at_kill, "no checkpoint-<time> file on the target before the kill"
    # A batch time seen by both runs must have the same state: recovery recomputes, never resets.
    by_time = {r["time"]: r["state"] for r in run1}
    for r in run2:
        if r["time"] in by_time:
            assert r["state"] == by_time[r["time"]], f"batch {r['time']} differs after recovery"
    # The first batch after the restart starts from the recovered state, not from zero.
    before = [r["state"].get("apple", 0) for r in run1 if r["time"] < run2[0]["time"]]
    assert run2[0]["state"].get("apple", 0) >= max(before, default=0), (
        f"state went back from {max(before)} to {run2[0]['state']} after the restart")
    for earlier, later in zip(run2, run2[1:]):
        assert later["state"].get("apple", 0) >= earlier["state"].get("apple", 0)
    final = run2[-1]["state"]
    assert final == {"apple": fed, "pear": 2 * fed}, f"fed {fed} files, final state {final}"

    assert driver.log_text().count(spark.running_on()) == 2
    writes = dstream_checkpoint_writes(driver.log_text())
    assert writes, "Spark logged no 'Checkpoint for time ... saved' line"
    assert all(w.file.rsplit("/", 1)[-1].startswith("checkpoint-") for w in writes)
    metric("files fed", fed)
    metric("checkpoint-<time> files on target at kill", len(ckpts_at_kill))
    metric("checkpoint write times", summarize_millis([w.millis for w in writes]))
    metric("checkpoint size (bytes)", f"{min(w.bytes for w in writes)}..{max(w.bytes for w in writes)}")
