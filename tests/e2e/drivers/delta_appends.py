"""Delta writer: one Spark application appending to a shared Delta table, racing another one.

After a warm-up write to a scratch table of its own, writer `create` makes the table (version 0, no rows); the others wait for it. Each writer then
signals `ready` and waits for the test's `go` file, so the appends of all writers overlap. Append k
of writer w holds rows (writer=w, seq=k, i=0..rows-1) and is tagged userMetadata "w<w>-a<k>", so
every commit in _delta_log names the append it carries. Each append's outcome (success as Spark
returned it, or the error) is recorded durably before the next one starts. With `verify`, the
writer then waits for the other writers' `done` files and reads the whole table back through Delta.

Config keys: master, conf, table (URI), writer, create, appends, rows, record, ready, go, done,
peers_done (local paths), verify (local path or null).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import append_record, load_config, say, say_running_on, spark_session  # noqa: E402

WAIT_SECONDS = 300


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {WAIT_SECONDS}s")
        time.sleep(0.1)


def touch(path: str) -> None:
    append_record(path, {"at": time.time()})


def main() -> None:
    cfg = load_config()
    spark = spark_session(cfg)
    say_running_on(spark.sparkContext)
    from delta.tables import DeltaTable
    from pyspark.sql import functions as F

    table, writer = cfg["table"], cfg["writer"]

    def rows(seq: int, count: int):
        return spark.range(count).select(F.lit(writer).alias("writer"), F.lit(seq).alias("seq"),
                                         F.col("id").alias("i"))

    # A first Delta write in a JVM takes many times longer than the next ones (class loading, JIT):
    # done on a private scratch table, so that the timed appends of all writers really overlap.
    rows(-1, 1).write.format("delta").mode("append").save(f"{table}-warmup-w{writer}")
    if cfg["create"]:
        rows(-1, 0).write.format("delta").option("userMetadata", "create").save(table)
        say("table created")
    else:
        # The file itself, not DeltaTable.isDeltaTable: that answers from a cached DeltaLog.
        first_commit = spark._jvm.org.apache.hadoop.fs.Path(f"{table}/_delta_log/{0:020d}.json")
        fs = first_commit.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
        wait_for(lambda: fs.exists(first_commit), "the table to exist")
    touch(cfg["ready"])
    wait_for(lambda: os.path.exists(cfg["go"]), "the go signal")

    for seq in range(cfg["appends"]):
        tag = f"w{writer}-a{seq}"
        started = time.monotonic()
        try:
            (rows(seq, cfg["rows"]).write.format("delta").mode("append")
             .option("userMetadata", tag).save(table))
            outcome = {"ok": True}
        except Exception as e:  # recorded, not raised: the test reconciles outcomes with the log
            outcome = {"ok": False, "error": str(e).splitlines()[0][:300]}
        append_record(cfg["record"], {"writer": writer, "seq": seq, "tag": tag,
                                      "seconds": round(time.monotonic() - started, 3), **outcome})
    touch(cfg["done"])
    say("appends finished")

    if cfg.get("verify"):
        wait_for(lambda: all(os.path.exists(p) for p in cfg["peers_done"]), "the other writers")
        counts = (spark.read.format("delta").load(table).groupBy("writer", "seq").count().collect())
        history = DeltaTable.forPath(spark, table).history().select("version", "userMetadata") \
            .collect()
        append_record(cfg["verify"], {
            "rows_per_append": {f"w{r['writer']}-a{r['seq']}": r["count"] for r in counts},
            "history": {str(h["version"]): h["userMetadata"] for h in history},
        })
        say("table read back")
    spark.stop()


if __name__ == "__main__":
    main()
