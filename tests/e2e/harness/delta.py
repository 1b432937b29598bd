"""Delta Lake on a commitfs target: the Spark conf that loads Delta, and reading its _delta_log back.

Delta picks its LogStore by the table path's scheme (DelegatingLogStore): s3/s3a/s3n get
S3SingleDriverLogStore (safe only with one writer, hence DynamoDB for many), abfs/wasb/adl get
AzureLogStore, gs gets GCSLogStore, and every other scheme -- s3c and filec included -- gets the
default, io.delta.storage.HDFSLogStore: each commit is written to a temp file and renamed through
FileContext with Options.Rename.NONE, so two writers racing for version N are arbitrated by the
filesystem's rename-without-overwrite. No `spark.delta.logStore.<scheme>.impl` is set here: the
tests check that Delta's own default is what ran.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .sparks import CACHE, SparkRuntime

# delta-spark 3.3.x is the newest line for a Spark we run (4.4.1 wants pyspark <= 4.2.0).
DELTA_SPARK_LINE = "3.5"
HDFS_LOG_STORE = "io.delta.storage.HDFSLogStore"
# "LogStore LogStoreAdapter(io.delta.storage.HDFSLogStore) is used for scheme s3c" (3.x; newer
# releases quote both in backticks).
_LOG_STORE_CHOSEN = re.compile(r"LogStore `?(\S+?)`? is used for scheme `?(\w+)`?")
_COMMIT_FILE = re.compile(r"^(\d{20})\.json$")


def delta_jars(runtime: SparkRuntime) -> Optional[list[Path]]:
    """The jars delta-spark's configure_spark_with_delta_pip would resolve, as scripts/setup.sh
    fetched them from Maven Central; None when they are not there."""
    if runtime.delta is None:
        return None
    jars = sorted((CACHE / "jars" / f"delta-{runtime.delta}").glob("*.jar"))
    return jars if any(j.name.startswith("delta-spark_") for j in jars) else None


def delta_conf(base_conf: dict, jars: list[Path]) -> dict:
    conf = dict(base_conf)
    conf["spark.jars"] = ",".join([*filter(None, [base_conf.get("spark.jars")]), *map(str, jars)])
    conf.update({
        "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        # Snapshot reconstruction (after every lost race) runs a 50-task job by default: a cost
        # of 2 cores, not of the commit protocol under test.
        "spark.databricks.delta.snapshotPartitions": "2",
    })
    return conf


def log_stores_chosen(log_text: str) -> dict[str, str]:
    """{scheme: LogStore class} as DelegatingLogStore logged its choice."""
    chosen = {}
    for m in _LOG_STORE_CHOSEN.finditer(log_text):
        impl = m[1]
        if impl.startswith("LogStoreAdapter("):
            impl = impl[len("LogStoreAdapter("):-1]
        chosen[m[2]] = impl
    return chosen


@dataclass(frozen=True)
class Commit:
    version: int
    read_version: Optional[int]
    user_metadata: Optional[str]
    operation: str
    added_files: int
    added_rows: int

    @property
    def races_lost(self) -> int:
        """Versions this transaction tried before the one it got: each was taken by the other
        writer first (Delta tries readVersion + 1 and moves on only on FileAlreadyExists)."""
        if self.read_version is None:
            return 0
        return self.version - self.read_version - 1


def commit_versions(names: list[str]) -> list[int]:
    """Versions of the commit files among _delta_log's file names (checkpoints, .crc excluded)."""
    return sorted(int(m[1]) for m in map(_COMMIT_FILE.match, names) if m)


def parse_commit(version: int, text: str) -> Commit:
    info, files, rows = {}, 0, 0
    for line in text.splitlines():
        if not line.strip():
            continue
        action = json.loads(line)
        if "commitInfo" in action:
            info = action["commitInfo"]
        elif "add" in action:
            files += 1
            stats = action["add"].get("stats")
            rows += json.loads(stats).get("numRecords", 0) if stats else 0
    return Commit(version, info.get("readVersion"), info.get("userMetadata"),
                  info.get("operation", "?"), files, rows)
