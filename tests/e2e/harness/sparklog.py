"""What the tests read back from a driver's Spark log (see child.LOG4J2 for what gets logged)."""
from __future__ import annotations

import re
from dataclasses import dataclass

# CheckpointFileManager.create() logs this (WARN) when FileContext cannot be used for the
# checkpoint path and it falls back to FileSystemBasedCheckpointFileManager, whose rename-based
# commit is only safe if FileSystem.rename is atomic.
FILECONTEXT_FALLBACK = "Could not use FileContext API for managing Structured Streaming checkpoint files"

# org.apache.spark.streaming.CheckpointWriter, INFO, once per DStream metadata checkpoint:
#   Checkpoint for time 1700000001000 ms saved to file 'filec:/.../checkpoint-1700000001000',
#   took 5123 bytes and 12 ms
_CHECKPOINT_SAVED = re.compile(
    r"Checkpoint for time (\d+) ms saved to file '?([^',]+)'?, took (\d+) bytes and (\d+) ms")


@dataclass(frozen=True)
class CheckpointWrite:
    batch_time_ms: int
    file: str
    bytes: int
    millis: int


def checkpoint_fallback_warnings(log_text: str) -> list[str]:
    return [line for line in log_text.splitlines() if FILECONTEXT_FALLBACK in line]


def dstream_checkpoint_writes(log_text: str) -> list[CheckpointWrite]:
    return [CheckpointWrite(int(m[1]), m[2], int(m[3]), int(m[4]))
            for m in _CHECKPOINT_SAVED.finditer(log_text)]


def summarize_millis(values: list[int]) -> str:
    """'n=12 min=3 median=5 p90=9 max=14 ms' (empty input -> 'n=0')."""
    if not values:
        return "n=0"
    ordered = sorted(values)

    def pct(p: float) -> int:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return (f"n={len(ordered)} min={ordered[0]} median={pct(0.5)} p90={pct(0.9)} "
            f"max={ordered[-1]} ms")


def root_cause(log_text: str) -> str:
    """The innermost 'Caused by:' of the last Java stack trace in a driver log, else the last
    Python exception line; '' when the log shows neither."""
    causes = [line.strip() for line in log_text.splitlines() if line.startswith("Caused by:")]
    if causes:
        return causes[-1]
    errors = [line.strip() for line in log_text.splitlines()
              if re.match(r"^[\w.]+(Error|Exception)\b", line)]
    return errors[-1] if errors else ""


# What a second driver on a live checkpoint dies of (Spark's HDFSMetadataLog / MicroBatchExecution),
# depending on when it meets the first driver's files:
# - the batch file is already there when it checks: add() returns false and MicroBatchExecution
#   fails the query ("Concurrent update to the log. Multiple streaming jobs detected for N"; Spark 4:
#   error class CONCURRENT_STREAM_LOG_UPDATE);
# - it appears between the check and the write: the exclusive create/rename throws
#   FileAlreadyExistsException, which HDFSMetadataLog turns into ConcurrentModificationException
#   ("Multiple streaming queries are concurrently using <path>").
OWNERSHIP_ERRORS = ("ConcurrentModificationException", "FileAlreadyExistsException",
                    "Concurrent update to the log", "CONCURRENT_STREAM_LOG_UPDATE")


def ownership_errors(log_text: str) -> list[str]:
    """Which of OWNERSHIP_ERRORS a driver log shows."""
    return [marker for marker in OWNERSHIP_ERRORS if marker in log_text]
