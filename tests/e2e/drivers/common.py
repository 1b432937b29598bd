"""What every driver script shares: its config file, its Spark conf, and its durable record.

A driver is started as `python <driver>.py <config.json> <run-number>` by harness/child.py, in
its own process group so the test can kill -9 the Python driver and its JVM together.
"""
from __future__ import annotations

import json
import os
import sys
import time


def load_config() -> dict:
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    cfg["run"] = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    # Closures that Spark restores from a checkpoint were pickled by an earlier run: they read the
    # current run number from here, not from a captured variable.
    os.environ["E2E_RUN"] = str(cfg["run"])
    return cfg


def spark_conf(cfg: dict):
    from pyspark import SparkConf

    conf = SparkConf().setMaster(cfg["master"]).setAppName(cfg.get("app", "commitfs-e2e"))
    for key, value in cfg["conf"].items():
        conf.set(key, value)
    return conf


def spark_session(cfg: dict):
    from pyspark.sql import SparkSession

    return SparkSession.builder.config(conf=spark_conf(cfg)).getOrCreate()


def append_record(path: str, record: dict) -> None:
    """One JSON line, flushed and fsynced before returning: it survives a kill -9 right after."""
    record = {"run": int(os.environ.get("E2E_RUN", "0")), "wall": time.time(), **record}
    line = json.dumps(record, sort_keys=True) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def say_running_on(sc) -> None:
    """The Spark and Java versions this driver runs on (the tests check both)."""
    java = sc._jvm.java.lang.System.getProperty("java.version")
    say(f"running on Spark {sc.version}, Java {java}")


def say(message: str) -> None:
    print(f"[driver run={os.environ.get('E2E_RUN')}] {message}", flush=True)


def storage_counters(jsc_hadoop_conf, jvm, uri: str):
    """commitfs backend counters (S3 requests / POSIX syscalls) for uri's filesystem, as a dict;
    None when the filesystem does not expose them (plain file://, or an older jar)."""
    fs = jvm.org.apache.hadoop.fs.Path(uri).getFileSystem(jsc_hadoop_conf)
    try:
        text = fs.nativeCounters()
    except Exception:  # py4j raises a generic error for a missing method
        return None
    counters = {}
    for line in text.splitlines():
        name, _, value = line.partition("=")
        if value.strip().isdigit():
            counters[name.strip()] = int(value)
    return counters
