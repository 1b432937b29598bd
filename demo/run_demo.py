#!/usr/bin/env python3
"""commitfs demo: a stateful Structured Streaming job whose driver is killed with SIGKILL mid-stream
and restarted from its checkpoint, which lives on commitfs.

    python3 demo/run_demo.py           # filec:// over a private temp directory, no server
    python3 demo/run_demo.py --s3      # s3c:// on a local SeaweedFS (tests/servers/launch.py)
    python3 demo/run_demo.py --file    # the same job on plain file:// (no commitfs), to compare

The job: rate-micro-batch source (30 rows per 1-second batch) -> running count per key (value % 3)
-> foreachBatch that appends each batch's result to a local, fsynced file. The kill lands after
the last batch was delivered but before Spark committed it (the driver stalls there on purpose). On
commitfs the query uses commitfs's checkpoint manager (CommitCheckpointFileManager: one create per
checkpoint file, no temp file + rename). The summary shows what recovered (commit log before/after, state
continuing), Spark's per-batch checkpoint timings, what each checkpoint wrote (files, bytes, and commitfs
backend operations), and on s3c the S3 requests per batch next to what S3A sends for such a batch.
Exit status 0 when recovery was exact, 1 otherwise.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib.metadata
import os
import statistics
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from harness.child import read_records  # noqa: E402
from harness.recovery import COMMIT_MANAGERS  # noqa: E402
from harness.s3server import S3Server  # noqa: E402
from harness.sparklog import checkpoint_fallback_warnings, root_cause  # noqa: E402
from harness.structured import (FILECONTEXT_MANAGER, ROWS_PER_BATCH,  # noqa: E402
                                checkpoint_managers, committed_batches, counter_deltas,
                                files_per_batch, judge_recovery, leftover_files,
                                structured_driver)
from harness.targets import TargetUnavailable, find_jar, make_target  # noqa: E402


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--s3", action="store_true", help="s3c:// on a local SeaweedFS")
    where.add_argument("--file", action="store_true", help="plain file:// baseline (no commitfs)")
    ap.add_argument("--s3-server", default="seaweed", choices=["seaweed", "moto"])
    ap.add_argument("--jar", help="commitfs jar (default: $COMMITFS_JAR or build/libs/commitfs-*.jar)")
    ap.add_argument("--before-kill", type=int, default=4, help="batches to run before the kill")
    ap.add_argument("--after-restart", type=int, default=3, help="batches to run after restart")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs, records)")
    return ap.parse_args()


class BatchPrinter:
    """Prints each batch result the first time it appears in the driver's record."""

    def __init__(self, record: Path):
        self.record, self.seen = record, 0

    def __call__(self) -> list[dict]:
        records = read_records(self.record)
        for r in records[self.seen:]:
            state = ", ".join(f"key {k}: {v}" for k, v in sorted(r["state"].items()))
            print(f"    run {r['run']}  batch {r['batch']:>3}  state {{{state}}}")
        self.seen = len(records)
        return records


class DriverFailed(Exception):
    pass


def commit_manager(target) -> str:
    """commitfs's checkpoint manager for the pyspark the driver runs (Spark 3.5 has its own twin)."""
    try:
        major = importlib.metadata.version("pyspark").split(".")[0]
    except importlib.metadata.PackageNotFoundError:
        major = "4"
    return COMMIT_MANAGERS.get(major, COMMIT_MANAGERS["4"])


def run(target, workdir: Path, args) -> int:
    if target.jar:
        # What the README recommends: each checkpoint file is one create (nothing visible before close).
        target = dataclasses.replace(target, conf={
            **target.conf, "spark.sql.streaming.checkpointFileManagerClass": commit_manager(target)})
    record = workdir / "batches.jsonl"
    # Run 1 stalls right after delivering its last batch, before Spark commits it: the kill then
    # hits the worst moment (output delivered, commit missing), which recovery must re-run.
    in_flight = args.before_kill - 1
    driver = structured_driver(target, "local[2]", workdir, name="demo", hold_after_batch=in_flight)
    printer = BatchPrinter(record)
    t0 = time.monotonic()
    try:
        print(f"\n[1/4] starting the driver (run 1); checkpoint: {target.uri('ckpt')}")
        driver.start()
        driver.wait_until(lambda: len(printer()) >= args.before_kill and
                          f"holding after delivering batch {in_flight}" in driver.log_text(1),
                          300, f"{args.before_kill} batches")
        print(f"\n[2/4] kill -9 of the driver (pid {driver.proc.pid}, with its JVM) after it "
              f"delivered batch {in_flight}, before that batch reached the commit log")
        driver.kill9()
        committed = committed_batches(target)
        last_committed = committed[-1] if committed else -1
        print(f"    commit log on storage after the kill: batches 0..{last_committed}")

        print("\n[3/4] restarting the driver (run 2) from the same checkpoint")
        restart_at = time.monotonic()
        driver.start()
        driver.wait_until(lambda: sum(r["run"] == 2 for r in printer()) >= 1, 300,
                          "the first batch after the restart")
        first_batch_after = time.monotonic() - restart_at
        driver.wait_until(lambda: sum(r["run"] == 2 for r in printer()) >= args.after_restart,
                          300, f"{args.after_restart} batches after the restart")
    except AssertionError as failure:
        cause = root_cause(driver.log_text(driver.run))
        log = driver.logs[-1] if args.keep else "rerun with --keep to keep the log"
        raise DriverFailed(f"{str(failure).splitlines()[0]}\n    {cause}\n    log: {log}") from None
    finally:
        driver.cleanup()
    total = time.monotonic() - t0

    print("\n[4/4] summary")
    records = read_records(record)
    recovery = judge_recovery(records, last_committed, ROWS_PER_BATCH)
    print_recovery(recovery, first_batch_after)
    print_checkpoints(target, workdir, records)
    managers = sorted({m.rsplit(".", 1)[-1] for m in checkpoint_managers(workdir)})
    expected = commit_manager(target).rsplit(".", 1)[-1] if target.jar else FILECONTEXT_MANAGER
    fallback = (checkpoint_fallback_warnings(driver.log_text())
                or any(m != expected for m in managers))
    verdict = ("FileSystem FALLBACK: safe only if rename is atomic" if fallback
               else "one exclusive create per checkpoint file" if expected != FILECONTEXT_MANAGER
               else "atomic rename")
    print(f"\n  Spark checkpoint manager: {', '.join(managers) or 'unknown'} ({verdict})")
    ok = not recovery.problems and not fallback
    print(f"  total demo time: {total:.0f} s"
          + (f"; driver logs: {', '.join(map(str, driver.logs))}" if args.keep else ""))
    print(f"\n  RESULT: {'recovered exactly' if ok else 'PROBLEMS FOUND'}")
    for problem in recovery.problems:
        print(f"    - {problem}")
    return 0 if ok else 1


def print_recovery(rec, first_batch_after: float) -> None:
    last1 = rec.run1[-1] if rec.run1 else None
    first2 = rec.run2[0] if rec.run2 else None
    print("\n  What recovered")
    print(f"    last batch committed before the kill : {rec.last_committed_at_kill}")
    if last1:
        print(f"    last batch seen by run 1             : {last1['batch']}  state {last1['state']}")
    if first2:
        replay = (f" (run 1 had delivered batch {rec.replayed[0]} but not committed it: it re-ran "
                  "with the same result)" if rec.replayed else
                  " (the batch right after the last commit)")
        print(f"    first batch of run 2                 : {first2['batch']}  state "
              f"{first2['state']}{replay}")
        print(f"    last batch of run 2                  : {rec.run2[-1]['batch']}  state "
              f"{rec.run2[-1]['state']}")
    print(f"    restart to first batch               : {first_batch_after:.1f} s (JVM start + "
          "checkpoint recovery)")
    exact = "yes" if not rec.problems else "NO"
    print(f"    every row counted exactly once       : {exact} "
          f"(count after batch b == {rec.rows_per_batch} x (b+1))")


def print_checkpoints(target, workdir: Path, records: list[dict]) -> None:
    sizes = target.file_sizes("ckpt")
    per_batch = files_per_batch(list(sizes))
    progress = {p["batch"]: p for p in read_records(workdir / "progress.jsonl")}
    ops = counter_deltas(records)
    print("\n  Per batch (Spark's own timings in ms; files = that batch's checkpoint on storage)")
    print("    batch  trigger  offsets-log  commit-log  state-commit  files  bytes  backend ops")
    for batch in sorted(set(per_batch) | set(progress)):
        p = progress.get(batch, {})
        d = p.get("durationMs", {})
        state_ms = sum(op.get("commitTimeMs", 0) for op in p.get("state", [])) if p else ""
        files = per_batch.get(batch, [])
        moved = ops.get(batch)
        ops_text = " ".join(f"{k}={v}" for k, v in sorted(moved.items())) if moved else "-"
        print(f"    {batch:>5}  {d.get('triggerExecution', ''):>7}  {d.get('walCommit', ''):>11}  "
              f"{d.get('commitOffsets', ''):>10}  {state_ms:>12}  {len(files):>5}  "
              f"{sum(sizes[f] for f in files):>5}  {ops_text}")
    leftovers = leftover_files(list(sizes))
    if leftovers:
        print(f"    not part of any batch (temp/checksum files, e.g. cut by the kill): "
              f"{len(leftovers)}: {', '.join(leftovers[:4])}{' ...' if len(leftovers) > 4 else ''}")
    if not ops:
        print("    (backend ops: not reported by this filesystem)")
    else:
        print_cost_per_batch(ops)


# S3A on the same kind of query (rate source -> groupBy count -> foreachBatch, Spark's default manager),
# measured by a proxy in `bash scripts/bench.sh` (docs/performance.md, streaming micro-batch): a
# constant, not measured by this run.
S3A_REQUESTS_PER_BATCH = 136
S3A_STATE_STORES = 4
# Of those, the requests on state/ files (probes, temp file PUT, COPY, DELETE) per state store: 88 / 4.
S3A_PER_STATE_STORE = 22
# This query's state stores: spark.sql.shuffle.partitions (harness/child.py driver_conf).
STATE_STORES = 2


def print_cost_per_batch(ops: dict[int, dict[str, int]]) -> None:
    """What one batch cost the store: S3 requests (next to S3A's figure) or POSIX syscalls."""
    batches = sorted(ops)[1:] or sorted(ops)  # the first delta may include the query's start
    requests = [ops[b].get("requests", 0) for b in batches]
    if any(requests):
        kinds = sorted({k for b in batches for k in ops[b] if k.isupper()})
        medians = {k: statistics.median(ops[b].get(k, 0) for b in batches) for k in kinds}
        detail = ", ".join(f"{k} {m:g}" for k, m in medians.items() if m)
        print(f"\n  S3 requests per batch (commitfs's own counters, median of {len(batches)}): "
              f"{statistics.median(requests):g} ({detail})")
        s3a_here = S3A_REQUESTS_PER_BATCH - S3A_PER_STATE_STORE * (S3A_STATE_STORES - STATE_STORES)
        print(f"  S3A, same kind of batch: {S3A_REQUESTS_PER_BATCH} requests with {S3A_STATE_STORES} state stores, "
              f"{S3A_PER_STATE_STORE} of them per store, so ~{s3a_here} with this query's {STATE_STORES} "
              "(a constant measured by scripts/bench.sh, docs/performance.md; not measured by this run)")
    else:
        calls = [sum(v for k, v in ops[b].items() if k.islower() and k != "round_trips") for b in batches]
        print(f"\n  POSIX syscalls per batch (commitfs's own counters, median of {len(batches)}): "
              f"{statistics.median(calls):g}")


def main() -> int:
    args = parse_args()
    if args.jar:
        os.environ["COMMITFS_JAR"] = args.jar
    scheme = "s3c" if args.s3 else "file" if args.file else "filec"
    if scheme != "file" and find_jar() is None:
        print("commitfs jar not found: build it (gradle jar), pass --jar, or run with --file for "
              "the plain file:// baseline", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="commitfs-demo-"))  # mode 0700
    server = None
    try:
        if args.s3:
            print(f"starting a local {args.s3_server} S3 server ...")
            server = S3Server(args.s3_server)
            print(f"    endpoint {server.endpoint}, bucket {server.bucket}")
        target = make_target(scheme, workdir, server)
        print(f"commitfs demo on {target.describe()}"
              + (f" (jar {target.jar})" if target.jar else ""))
        return run(target, workdir, args)
    except TargetUnavailable as why:
        print(why, file=sys.stderr)
        return 2
    except DriverFailed as failure:
        print(f"\n  RESULT: the driver failed: {failure}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
