"""Long-run driver: a stateful Structured Streaming query for N micro-batches, sampling its own JVM.

The query is the one test_structured_recovery.py runs (rate-micro-batch, deterministic, so after batch b
the counts add up to rows_per_batch * (b + 1)), with batches back to back, log retention
(`minBatchesToRetain`) and state store maintenance on, as a query that runs for weeks has them. Every
`sample_every` batches the driver JVM's resident memory, open descriptors, threads and TCP connections to
the storage port, and the Java heap it has committed, are appended to the record with the batch (harness/resources.py reads /proc).

Config keys: checkpoint (URI), record (local path), rows_per_batch, batches, sample_every,
storage_port (or null), run_seconds (a bound, not the plan).
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common import append_record, load_config, say, say_running_on, spark_session  # noqa: E402
from harness.resources import sample  # noqa: E402


def main() -> None:
    cfg = load_config()
    spark = spark_session(cfg)
    say_running_on(spark.sparkContext)
    from pyspark.sql import functions as F

    jvm = spark.sparkContext._jvm
    jvm_pid = int(jvm.java.lang.management.ManagementFactory.getRuntimeMXBean().getName().split("@")[0])
    done = threading.Event()

    def record_batch(batch_df, batch_id):
        rows = batch_df.collect()
        record = {"batch": batch_id, "total": sum(r["n"] for r in rows)}
        if batch_id % cfg["sample_every"] == 0 or batch_id + 1 >= cfg["batches"]:
            heap = jvm.java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage()
            record["sample"] = sample(jvm_pid, cfg.get("storage_port"), heap.getCommitted() // 1024)
        append_record(cfg["record"], record)
        if batch_id + 1 >= cfg["batches"]:
            done.set()

    source = (spark.readStream.format("rate-micro-batch")
              .option("rowsPerBatch", cfg["rows_per_batch"])
              .option("numPartitions", 2)
              .load())
    counts = source.groupBy((F.col("value") % 50).alias("key")).agg(F.count("*").alias("n"))
    query = (counts.writeStream.outputMode("complete")
             .foreachBatch(record_batch)
             .option("checkpointLocation", cfg["checkpoint"])
             .queryName("commitfs_e2e_long_run")
             .start())
    say(f"query started for {cfg['batches']} batches, checkpoint {cfg['checkpoint']}")
    deadline = time.monotonic() + cfg["run_seconds"]
    while not done.wait(1) and query.isActive and time.monotonic() < deadline:
        pass
    error = query.exception()
    query.stop()
    spark.stop()
    if not done.is_set():
        raise SystemExit(f"stopped before {cfg['batches']} batches" + (f": {error}" if error else ""))
    say("stopped cleanly")


if __name__ == "__main__":
    main()
