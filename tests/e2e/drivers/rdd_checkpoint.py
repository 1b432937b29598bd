"""RDD checkpoint driver: sc.setCheckpointDir on the target, checkpoint an RDD, read it back.

Writes one JSON result to cfg["result"] (local path): where the checkpoint went, its partition
files as Spark saw them, and whether the data read back from the checkpoint equals the source.

Config keys: checkpoint_dir (URI), partitions, rows, result (local path).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import append_record, load_config, say, say_running_on, spark_conf  # noqa: E402


def main() -> None:
    cfg = load_config()
    from pyspark import SparkContext

    sc = SparkContext(conf=spark_conf(cfg))
    say_running_on(sc)
    sc.setCheckpointDir(cfg["checkpoint_dir"])
    rows, partitions = cfg["rows"], cfg["partitions"]
    rdd = sc.parallelize(range(rows), partitions).map(lambda i: (i, i * i))
    rdd.checkpoint()
    started = time.monotonic()
    count = rdd.count()  # the first action writes the checkpoint
    write_seconds = time.monotonic() - started
    checkpoint_file = rdd.getCheckpointFile()

    # Read the checkpoint files themselves (not the cached lineage) in a fresh RDD.
    started = time.monotonic()
    restored = sc._checkpointFile(checkpoint_file, rdd._jrdd_deserializer)
    restored_rows = sorted(restored.collect())
    read_seconds = time.monotonic() - started

    jvm_path = sc._jvm.org.apache.hadoop.fs.Path(checkpoint_file)
    fs = jvm_path.getFileSystem(sc._jsc.hadoopConfiguration())
    part_files = sorted(s.getPath().getName() for s in fs.listStatus(jvm_path))

    append_record(cfg["result"], {
        "count": count,
        "is_checkpointed": rdd.isCheckpointed(),
        "checkpoint_file": checkpoint_file,
        "filesystem": fs.getClass().getName(),
        "part_files": part_files,
        "restored_partitions": restored.getNumPartitions(),
        "restored_equal": restored_rows == [(i, i * i) for i in range(rows)],
        "write_seconds": write_seconds,
        "read_seconds": read_seconds,
    })
    sc.stop()
    say("done")


if __name__ == "__main__":
    main()
