"""Iceberg writer: one Spark application appending to a shared HadoopCatalog table, racing another.

The catalog is Iceberg's HadoopCatalog (no catalog service: a table version is committed by renaming
a metadata file to v<N>.metadata.json). After a warm-up append to a table of its own, writer `create`
creates the shared table (with the commit retry settings in `table_properties`); the others wait for
its v1.metadata.json. Each writer then signals `ready` and waits for `go`, so the appends overlap.
Append k of writer w holds rows (writer=w, seq=k, i=0..rows-1) and carries the snapshot summary
property tag=w<w>-a<k>, so every snapshot names its append. Each outcome (success as Spark returned
it, or the error) is recorded durably. With `verify`, the writer waits for the others' `done` files
and reads the table back (rows per append).

Config keys: master, conf, catalog, table (catalog.db.name), table_location (URI), writer, create,
table_properties, appends, rows, record, ready, go, done, peers_done (local paths), verify.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (append_record, load_config, say, say_running_on, spark_session, touch,  # noqa: E402
                    wait_for)


def main() -> None:
    cfg = load_config()
    spark = spark_session(cfg)
    say_running_on(spark.sparkContext)
    from pyspark.sql import functions as F

    table, writer = cfg["table"], cfg["writer"]
    namespace = table.rsplit(".", 1)[0]

    def rows(seq: int, count: int):
        return spark.range(count).select(F.lit(writer).alias("writer"), F.lit(seq).alias("seq"),
                                         F.col("id").alias("i"))

    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {namespace}")
    # The first Iceberg write in a JVM is many times slower than the next ones: done on a table of
    # its own, so that the timed appends of all writers really overlap.
    rows(-1, 1).writeTo(f"{table}_warmup_w{writer}").using("iceberg").create()
    if cfg["create"]:
        props = ", ".join(f"'{k}'='{v}'" for k, v in cfg["table_properties"].items())
        spark.sql(f"CREATE TABLE {table} (writer INT, seq INT, i BIGINT) USING iceberg "
                  f"TBLPROPERTIES ({props})")
        say("table created")
    else:
        first = spark._jvm.org.apache.hadoop.fs.Path(f"{cfg['table_location']}/metadata/v1.metadata.json")
        fs = first.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
        wait_for(lambda: fs.exists(first), "the table to exist")
    touch(cfg["ready"])
    wait_for(lambda: os.path.exists(cfg["go"]), "the go signal")

    for seq in range(cfg["appends"]):
        tag = f"w{writer}-a{seq}"
        started = time.monotonic()
        try:
            rows(seq, cfg["rows"]).writeTo(table).option("snapshot-property.tag", tag).append()
            outcome = {"ok": True}
        except Exception as e:  # recorded, not raised: the test reconciles outcomes with the table
            outcome = {"ok": False, "error": str(e).splitlines()[0][:300]}
        append_record(cfg["record"], {"writer": writer, "seq": seq, "tag": tag,
                                      "seconds": round(time.monotonic() - started, 3), **outcome})
    touch(cfg["done"])
    say("appends finished")

    if cfg.get("verify"):
        wait_for(lambda: all(os.path.exists(p) for p in cfg["peers_done"]), "the other writers")
        counts = spark.table(table).groupBy("writer", "seq").count().collect()
        append_record(cfg["verify"], {
            "rows_per_append": {f"w{r['writer']}-a{r['seq']}": r["count"] for r in counts}})
        say("table read back")
    spark.stop()


if __name__ == "__main__":
    main()
