"""One checkpoint, one owner: a second driver started on a live checkpoint fails, the first goes on.

A restarted job whose old driver is still alive, or a double deploy: driver A (its own JVM, local[2])
runs the Structured Streaming query of test_structured_recovery.py; a few seconds later driver B
starts the same query on the same checkpointLocation. Spark has no lock across JVMs: what
keeps the checkpoint whole is that every offset and commit log entry is an exclusive create (temp
file + rename without overwrite, or with commitfs's manager one create(overwrite=false)). So:

- exactly one driver keeps committing; the other dies at its first conflicting log write with one
  of Spark's ownership errors (harness/sparklog.OWNERSHIP_ERRORS explains which and when), having
  delivered at most the one batch it could not commit;
- the commit log stays contiguous; every batch either driver delivered has exact state, and a batch
  both ran has the same result from both;
- after kill -9 of the survivor, one restarted driver resumes after the last commit with exact state.

On file:// and s3a:// (peers, tests/e2e/peers.sh) the same run is recorded, not asserted
(harness/peers.py; observed outcomes in tests/e2e/README.md).
"""
from __future__ import annotations

import time

import pytest

from harness.child import read_records
from harness.peers import record_peer
from harness.recovery import with_manager
from harness.sparklog import ownership_errors, root_cause
from harness.structured import (ROWS_PER_BATCH, committed_batches, judge_recovery,
                                structured_driver)
from harness.targets import TargetUnavailable

BATCHES_AFTER_LOSS = 3
BATCHES_AFTER_RESTART = 3
TIMEOUT = 300
# B starts this long after A: both JVMs start up together (20-30 s each), A usually ahead.
STAGGER = 5


def merged_records(winner: list[dict], loser: list[dict], problems: list[str]) -> list[dict]:
    """Both drivers' batches as one run: a batch both delivered must have had the same result."""
    by_batch = {r["batch"]: r for r in winner}
    for r in loser:
        first = by_batch.setdefault(r["batch"], r)
        if first["state"] != r["state"]:
            problems.append(f"batch {r['batch']} delivered twice with different state: "
                            f"{first['state']} and {r['state']}")
    return [{**r, "run": 1} for _, r in sorted(by_batch.items())]


def two_owners(target, spark, tmp_path) -> tuple[dict, list[str]]:
    """Runs the scenario; (observations, problems). Never raises for what the storage did."""
    obs: dict = {}
    problems: list[str] = []
    for name in ("a", "b", "restart"):
        (tmp_path / name).mkdir()
    # Each driver has its own directory (config, log, records); all share the one checkpoint.
    drivers = {name: structured_driver(target, "local[2]", tmp_path / name, name=f"owner-{name}",
                                       runtime=spark)
               for name in ("a", "b", "restart")}
    records = {name: tmp_path / name / "batches.jsonl" for name in drivers}
    a, b, restart = drivers["a"], drivers["b"], drivers["restart"]
    try:
        a.start()
        time.sleep(STAGGER)
        b.start()
        started = time.monotonic()
        while a.alive() and b.alive() and time.monotonic() - started < TIMEOUT:
            time.sleep(0.5)
        obs["first exit after B start (s)"] = round(time.monotonic() - started, 1)
        exited = [d for d in (a, b) if not d.alive()]
        if len(exited) != 1:
            problems.append(f"{len(exited)} drivers exited within {TIMEOUT}s of B's start: "
                            "expected exactly one")
            obs["outcome"] = "both exited" if exited else "both kept running"
            return obs, problems
        loser = exited[0]
        winner = a if loser is b else b
        obs["loser"] = loser.name
        obs["loser rc"] = loser.proc.returncode
        obs["loser errors"] = ownership_errors(loser.log_text())
        evidence = [line for line in loser.log_text().splitlines()
                    if any(marker in line for marker in obs["loser errors"])]
        obs["loser cause"] = (evidence[0] if evidence else root_cause(loser.log_text()))[:300]
        if not obs["loser errors"]:
            problems.append(f"{loser.name} exited without an ownership error: {obs['loser cause']}\n"
                            + loser.log_tail())
        committed_at_loss = len(committed_batches(target))
        winner.wait_until(lambda: len(committed_batches(target)) >= committed_at_loss
                          + BATCHES_AFTER_LOSS, TIMEOUT, f"{winner.name} to keep committing")
        winner.kill9()
        committed_at_kill = committed_batches(target)
        obs["commit log at kill"] = f"{committed_at_kill[0]}..{committed_at_kill[-1]}"
        if committed_at_kill != list(range(len(committed_at_kill))):
            problems.append(f"commit log not contiguous: {committed_at_kill}")
        restart.start()
        restart.wait_until(lambda: len(read_records(records["restart"])) >= BATCHES_AFTER_RESTART,
                           TIMEOUT, "batches after the single restart")
    except AssertionError as e:  # a bounded wait ran out or a driver died: an observation
        problems.append(str(e))
        return obs, problems
    finally:
        for d in drivers.values():
            d.cleanup()

    loser_name = "a" if loser is a else "b"
    winner_name = "b" if loser is a else "a"
    winner_records = read_records(records[winner_name])
    # Once both ran, the loser may deliver the one batch whose commit it then lost (if A loses, its
    # batches from before B's first one are its legitimate past).
    since_both = min((r["batch"] for r in winner_records), default=0)
    contested = [r["batch"] for r in read_records(records[loser_name]) if r["batch"] >= since_both]
    obs["loser delivered batches (since both ran)"] = contested
    if len(contested) > 1:
        problems.append(f"{loser.name} delivered {contested}: more than the one it could not commit")
    run1 = merged_records(winner_records, read_records(records[loser_name]),
                          problems)
    run2 = [{**r, "run": 2} for r in read_records(records["restart"])]
    recovery = judge_recovery(run1 + run2, committed_at_kill[-1], ROWS_PER_BATCH)
    problems.extend(recovery.problems)
    obs["restart resumed at"] = recovery.resumed_at
    return obs, problems


@pytest.mark.peer_report
@pytest.mark.parametrize("manager", ["filecontext", "commitfs"])
def test_checkpoint_has_one_owner(target, spark, tmp_path, metric, manager):
    try:
        target = target.for_spark(spark)
    except TargetUnavailable as why:
        pytest.skip(str(why))
    if manager == "commitfs" and target.jar is None:
        pytest.skip("commitfs's checkpoint manager comes with the commitfs jar")
    target, _ = with_manager(target, spark, manager)
    obs, problems = two_owners(target, spark, tmp_path)
    for key, value in obs.items():
        metric(key, value)
    if target.is_peer:
        path = record_peer("checkpoint_has_one_owner", target.scheme, spark.version,
                           {"manager": manager, **obs, "problems": [p[:500] for p in problems]})
        metric("peer outcome recorded in", path)
        metric("peer problems", len(problems))
        return
    assert not problems, "\n".join(problems)
