"""Structured Streaming driver: rate-micro-batch -> stateful aggregation -> foreachBatch.

The source is deterministic (rowsPerBatch consecutive values per batch), so a batch re-run after a
crash produces exactly the rows it produced the first time, and the state is checkable: after batch
b the counts over all keys add up to max(value) + 1, and to rowsPerBatch * (b + 1) if nothing was
lost or counted twice.

Config keys: checkpoint (URI), record, progress, facts (local paths), rows_per_batch,
trigger (e.g. "1 second"), run_seconds, hold_after_batch (optional: in run 1, stall after
delivering this batch, before Spark commits it, so a kill lands exactly there).
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (append_record, load_config, say, say_running_on, spark_session,  # noqa: E402
                    storage_counters)


def main() -> None:
    cfg = load_config()
    spark = spark_session(cfg)
    say_running_on(spark.sparkContext)
    from pyspark.sql import functions as F
    from pyspark.sql.streaming import StreamingQueryListener

    class ProgressToFile(StreamingQueryListener):
        """Spark's own per-batch durations (walCommit, commitOffsets, ...) into a local file."""

        def onQueryStarted(self, event):
            pass

        def onQueryProgress(self, event):
            p = json.loads(event.progress.json)
            append_record(cfg["progress"], {"batch": p["batchId"], "durationMs": p["durationMs"],
                                            "rows": p["numInputRows"],
                                            "state": p.get("stateOperators", [])})

        def onQueryIdle(self, event):
            pass

        def onQueryTerminated(self, event):
            pass

    spark.streams.addListener(ProgressToFile())

    source = (spark.readStream.format("rate-micro-batch")
              .option("rowsPerBatch", cfg["rows_per_batch"])
              .option("numPartitions", 2)
              .load())
    counts = (source.groupBy((F.col("value") % 3).alias("key"))
              .agg(F.count("*").alias("n"), F.max("value").alias("max_value")))

    hadoop_conf = spark.sparkContext._jsc.hadoopConfiguration()
    jvm = spark.sparkContext._jvm

    def record_batch(batch_df, batch_id):
        rows = batch_df.collect()
        append_record(cfg["record"], {
            "batch": batch_id,
            "state": {str(r["key"]): r["n"] for r in rows},
            "max_value": max((r["max_value"] for r in rows), default=-1),
            "counters": storage_counters(hadoop_conf, jvm, cfg["checkpoint"]),
        })
        if batch_id == cfg.get("hold_after_batch") and cfg["run"] == 1:
            # Delivered but not yet in the commit log: the window a crash must survive with the
            # batch re-run (its state store files are already written and get written again).
            say(f"holding after delivering batch {batch_id}, before its commit")
            time.sleep(3600)

    query = (counts.writeStream.outputMode("complete")
             .foreachBatch(record_batch)
             .option("checkpointLocation", cfg["checkpoint"])
             .trigger(processingTime=cfg.get("trigger", "1 second"))
             .queryName("commitfs_e2e_counts")
             .start())
    say(f"query started, checkpoint {cfg['checkpoint']}")
    # Which CheckpointFileManager Spark picks for this path (FileContext-based unless the scheme
    # has no AbstractFileSystem, in which case it falls back to rename-via-FileSystem).
    # (Spark 4 moved the class into a .checkpointing sub-package. The session's Hadoop conf is the
    # one the query gets: it carries spark.sql.streaming.checkpointFileManagerClass.)
    streaming = jvm.org.apache.spark.sql.execution.streaming
    factory = (streaming.CheckpointFileManager if spark.version.startswith("3.")
               else streaming.checkpointing.CheckpointFileManager)
    session_conf = spark._jsparkSession.sessionState().newHadoopConf()
    manager = factory.create(jvm.org.apache.hadoop.fs.Path(cfg["checkpoint"]), session_conf)
    append_record(cfg["facts"], {"checkpoint_manager": manager.getClass().getName()})
    query.awaitTermination(cfg["run_seconds"])
    query.stop()
    spark.stop()
    say("stopped cleanly")


if __name__ == "__main__":
    main()
