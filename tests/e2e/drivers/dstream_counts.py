"""DStream driver: textFileStream -> word counts -> updateStateByKey, recoverable by getOrCreate.

The test feeds the input directory (one small file at a time, moved in atomically); every batch
appends {time, state} to a local record. Metadata checkpoints go to <checkpoint>/checkpoint-<time>
every batch, the state RDD is checkpointed every `state_checkpoint_seconds`.

Config keys: checkpoint (URI), input (URI), record (local path), batch_seconds,
state_checkpoint_seconds, run_seconds.
"""
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import append_record, load_config, say, say_running_on, spark_conf  # noqa: E402


def update_total(new_values, total):
    return sum(new_values) + (total or 0)


def main() -> None:
    cfg = load_config()
    from pyspark import SparkContext
    from pyspark.streaming import StreamingContext

    warnings.filterwarnings("ignore", message="DStream is deprecated")
    # The SparkContext must exist (with the commitfs conf and jar) before getOrCreate reads the
    # checkpoint: otherwise the gateway JVM starts without them and cannot resolve the scheme.
    sc = SparkContext(conf=spark_conf(cfg))
    say_running_on(sc)
    record_path = cfg["record"]

    def record(batch_time, rdd):
        append_record(record_path, {"time": round(batch_time.timestamp() * 1000),
                                    "state": dict(rdd.collect())})

    def create():
        say("no checkpoint: building a new StreamingContext")
        ssc = StreamingContext(sc, cfg["batch_seconds"])
        ssc.checkpoint(cfg["checkpoint"])
        words = ssc.textFileStream(cfg["input"]).flatMap(str.split)
        totals = words.map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b) \
                      .updateStateByKey(update_total)
        totals.checkpoint(cfg["state_checkpoint_seconds"])
        totals.foreachRDD(record)
        return ssc

    ssc = StreamingContext.getOrCreate(cfg["checkpoint"], create)
    ssc.start()
    say(f"streaming started, checkpoint {cfg['checkpoint']}")
    ssc.awaitTerminationOrTimeout(cfg["run_seconds"])
    ssc.stop(stopSparkContext=True, stopGraceFully=False)
    say("stopped cleanly")


if __name__ == "__main__":
    main()
