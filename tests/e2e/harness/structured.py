"""The Structured Streaming kill -9 scenario, shared by the e2e test and the demo.

drivers/structured_counts.py records one line per foreachBatch call; this module builds that
driver's config, judges a crash/restart from its records and the commit log on the storage, and
accounts what each checkpoint wrote.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .child import ChildDriver, driver_conf, read_records

ROWS_PER_BATCH = 30


def structured_driver(target, master: str, workdir: Path, name: str = "sss",
                      rows_per_batch: int = ROWS_PER_BATCH, run_seconds: int = 600,
                      hold_after_batch: int | None = None, runtime=None) -> ChildDriver:
    config = {
        "master": master,
        "conf": driver_conf(target.conf, workdir),
        "checkpoint": target.uri("ckpt"),
        "record": str(workdir / "batches.jsonl"),
        "progress": str(workdir / "progress.jsonl"),
        "facts": str(workdir / "facts.jsonl"),
        "rows_per_batch": rows_per_batch,
        "trigger": "1 second",
        "run_seconds": run_seconds,
        "hold_after_batch": hold_after_batch,
    }
    return ChildDriver("structured_counts.py", config, workdir, name, runtime)


FILECONTEXT_MANAGER = "FileContextBasedCheckpointFileManager"


def checkpoint_managers(workdir: Path) -> list[str]:
    """Class names of the CheckpointFileManager each driver run got for its checkpoint."""
    return [f["checkpoint_manager"] for f in read_records(workdir / "facts.jsonl")]


def committed_batches(target) -> list[int]:
    """Batch ids in the query's commit log, read from the storage."""
    return sorted(int(name) for name in target.list_files("ckpt", "commits") if name.isdigit())


@dataclass
class Recovery:
    last_committed_at_kill: int
    run1: list[dict]
    run2: list[dict]
    rows_per_batch: int
    problems: list[str] = field(default_factory=list)

    @property
    def resumed_at(self) -> int:
        return self.run2[0]["batch"]

    @property
    def replayed(self) -> list[int]:
        """Batches recorded by both runs: only the one in flight at the kill is allowed."""
        return sorted({r["batch"] for r in self.run1} & {r["batch"] for r in self.run2})


def judge_recovery(records: list[dict], last_committed_at_kill: int, rows_per_batch: int) -> Recovery:
    run1 = [r for r in records if r["run"] == 1]
    run2 = [r for r in records if r["run"] == 2]
    rec = Recovery(last_committed_at_kill, run1, run2, rows_per_batch)
    p = rec.problems
    ids1 = [r["batch"] for r in run1]
    ids2 = [r["batch"] for r in run2]
    if not ids2:
        p.append("no batch ran after the restart")
        return rec
    if ids1 != list(range(len(ids1))):
        p.append(f"run 1 batch ids are not contiguous from 0: {ids1}")
    if ids2[0] != last_committed_at_kill + 1:
        p.append(f"restart resumed at batch {ids2[0]}, but the commit log ended at "
                 f"{last_committed_at_kill} (expected {last_committed_at_kill + 1})")
    if ids2 != list(range(ids2[0], ids2[0] + len(ids2))):
        p.append(f"gap in batch ids after the restart: {ids2}")
    if any(b != last_committed_at_kill + 1 for b in rec.replayed):
        p.append(f"committed batches ran again after the restart: {rec.replayed}")
    for batch in rec.replayed:
        first = next(r for r in run1 if r["batch"] == batch)
        second = next(r for r in run2 if r["batch"] == batch)
        if first["state"] != second["state"]:
            p.append(f"batch {batch} re-ran with a different result: {first['state']} then "
                     f"{second['state']}")
    for r in run1 + run2:
        total = sum(r["state"].values())
        if not total == r["max_value"] + 1 == rows_per_batch * (r["batch"] + 1):
            p.append(f"state after batch {r['batch']} counts {total} rows (max value "
                     f"{r['max_value']}, expected {rows_per_batch * (r['batch'] + 1)}): rows lost "
                     "or counted twice")
    return rec


# Files one batch's checkpoint consists of, by the batch id they belong to. State store files are
# versioned batch+1 (version 0 is the empty store).
_BATCH_FILE = [
    (re.compile(r"^offsets/(\d+)$"), 0),
    (re.compile(r"^commits/(\d+)$"), 0),
    (re.compile(r"^state/\d+/\d+/(\d+)\.(?:delta|snapshot)$"), -1),
]


def files_per_batch(names: list[str]) -> dict[int, list[str]]:
    """Group checkpoint file names (relative to the checkpoint root) by the batch that wrote them;
    temporary and checksum files are not counted (they are not part of any committed checkpoint)."""
    per_batch: dict[int, list[str]] = {}
    for name in names:
        for pattern, shift in _BATCH_FILE:
            m = pattern.match(name)
            if m:
                per_batch.setdefault(int(m[1]) + shift, []).append(name)
                break
    return per_batch


def leftover_files(names: list[str]) -> list[str]:
    """Files in the checkpoint that belong to no batch: temp files of writes cut by the kill, .crc."""
    return [n for n in names if n.rsplit("/", 1)[-1].startswith(".") or n.endswith(".tmp")]


def counter_deltas(records: list[dict]) -> dict[int, dict[str, int]]:
    """Backend counters that moved between one recorded batch and the next, per later batch id
    (same run only: a restart starts a new JVM and new counters)."""
    deltas: dict[int, dict[str, int]] = {}
    for prev, cur in zip(records, records[1:]):
        if prev["run"] != cur["run"] or not prev.get("counters") or not cur.get("counters"):
            continue
        moved = {k: v - prev["counters"].get(k, 0) for k, v in cur["counters"].items()
                 if v != prev["counters"].get(k, 0)}
        deltas[cur["batch"]] = moved
    return deltas
