"""RDD checkpointing to the target scheme: every partition file written, all data read back."""
from __future__ import annotations

from urllib.parse import urlparse

from harness.child import ChildDriver, driver_conf, read_records

PARTITIONS = 8
ROWS = 20_000
EXPECTED_FS = {"file": "org.apache.hadoop.fs.LocalFileSystem",
               "filec": "io.commitfs.hadoop.CommitFileSystem",
               "s3c": "io.commitfs.hadoop.CommitFileSystem"}


def test_rdd_checkpoint_roundtrip(target, spark, master, tmp_path, metric):
    result = tmp_path / "result.jsonl"
    config = {
        "master": master,
        "conf": driver_conf(target.conf, tmp_path),
        "checkpoint_dir": target.uri("rdd-ckpt"),
        "partitions": PARTITIONS,
        "rows": ROWS,
        "result": str(result),
    }
    driver = ChildDriver("rdd_checkpoint.py", config, tmp_path, "rdd", spark)
    try:
        driver.start()
        assert driver.wait(timeout=300) == 0, driver.log_tail()
    finally:
        driver.cleanup()
    assert spark.running_on() in driver.log_text()
    [r] = read_records(result)
    assert r["count"] == ROWS and r["is_checkpointed"]
    # Hadoop prints file:///x as file:/x: compare scheme, authority and path separately.
    got, want = urlparse(r["checkpoint_file"]), urlparse(target.uri("rdd-ckpt"))
    assert (got.scheme, got.netloc) == (want.scheme, want.netloc), r["checkpoint_file"]
    assert got.path.startswith(want.path + "/"), r["checkpoint_file"]
    assert r["filesystem"] == EXPECTED_FS[target.scheme]
    parts = [n for n in r["part_files"] if n.startswith("part-")]
    assert len(parts) == PARTITIONS, r["part_files"]
    assert r["restored_partitions"] == PARTITIONS and r["restored_equal"]
    # The storage itself (not only Spark's view) holds every partition file.
    on_storage = [n for n in target.list_files("rdd-ckpt") if n.rsplit("/", 1)[-1].startswith("part-")]
    assert len(on_storage) == PARTITIONS, on_storage
    metric("checkpoint write (s)", f"{r['write_seconds']:.2f}")
    metric("checkpoint read back (s)", f"{r['read_seconds']:.2f}")
