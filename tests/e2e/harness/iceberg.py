"""Iceberg with a HadoopCatalog on a target: the Spark conf, and reading the table's metadata back.

HadoopCatalog needs no catalog service: HadoopTableOperations commits version N of a table by writing
a temp metadata file and renaming it to metadata/v<N>.metadata.json, after checks (the version file
absent, version-hint.text present, N the newest) that are not atomic with the rename. Iceberg
documents it as safe only where rename is atomic and refuses to overwrite, which is what commitfs's
rename does on filec and s3c (S3A's rename is a check, a copy and a delete). A loser gets
CommitFailedException and Iceberg retries the append on the new version
(commit.retry.num-retries), logging "Retrying task after failure" (org.apache.iceberg.util.Tasks).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .sparks import CACHE

ICEBERG_VERSION = "1.12.0"
# Maven Central has iceberg-spark-runtime for Spark 3.5 and 4.0/4.1, none for Spark 4.3 (the 4.1 runtime
# fails there: IncompatibleClassChangeError on org.apache.spark.sql.connector.catalog.View).
ICEBERG_SPARK_LINE = "3.5"
CATALOG = "hc"
RETRY_LOG = "Retrying task after failure"
_METADATA_FILE = re.compile(r"^v(\d+)\.metadata\.json$")
# HadoopTableOperations' temp names: <uuid>.metadata.json and <uuid>-version-hint.temp.
_TEMP_FILE = re.compile(r"^[0-9a-f]{8}-[0-9a-f-]{27}(\.metadata\.json|-version-hint\.temp)$")


def iceberg_jars() -> Optional[list[Path]]:
    """The iceberg-spark-runtime jar scripts/setup.sh fetched from Maven Central; None if absent."""
    jars = sorted((CACHE / "jars" / f"iceberg-{ICEBERG_VERSION}").glob("iceberg-spark-runtime-*.jar"))
    return jars or None


def iceberg_conf(base_conf: dict, jars: list[Path], warehouse: str) -> dict:
    conf = dict(base_conf)
    conf["spark.jars"] = ",".join([*filter(None, [base_conf.get("spark.jars")]), *map(str, jars)])
    conf.update({
        "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        f"spark.sql.catalog.{CATALOG}": "org.apache.iceberg.spark.SparkCatalog",
        f"spark.sql.catalog.{CATALOG}.type": "hadoop",
        f"spark.sql.catalog.{CATALOG}.warehouse": warehouse,
        # Every append and the read back see the table as it is on the storage, not a cached copy.
        f"spark.sql.catalog.{CATALOG}.cache-enabled": "false",
    })
    return conf


# Two writers appending in a loop collide often: room for every loser to retry until it wins.
TABLE_PROPERTIES = {
    "commit.retry.num-retries": "40",
    "commit.retry.min-wait-ms": "50",
    "commit.retry.max-wait-ms": "2000",
}


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: int
    parent_id: Optional[int]
    sequence_number: int
    tag: Optional[str]
    added_records: int


@dataclass(frozen=True)
class TableVersion:
    version: int
    current_snapshot_id: Optional[int]
    snapshots: tuple[Snapshot, ...]


def metadata_versions(names: list[str]) -> list[int]:
    return sorted(int(m[1]) for m in map(_METADATA_FILE.match, names) if m)


def temp_files(names: list[str]) -> list[str]:
    """Temp metadata / version-hint files a commit left behind (Iceberg deletes them on some
    failures only: a CommitFailedException from its own checks keeps the temp metadata file)."""
    return [n for n in names if _TEMP_FILE.match(n)]


def parse_metadata(version: int, text: str) -> TableVersion:
    meta = json.loads(text)
    current = meta.get("current-snapshot-id")
    snapshots = tuple(sorted(
        (Snapshot(s["snapshot-id"], s.get("parent-snapshot-id"), s.get("sequence-number", 0),
                  s.get("summary", {}).get("tag"), int(s.get("summary", {}).get("added-records", 0)))
         for s in meta.get("snapshots", [])), key=lambda s: s.sequence_number))
    return TableVersion(version, None if current in (None, -1) else current, snapshots)


def history_problems(versions: list[TableVersion]) -> list[str]:
    """What makes a table's history other than linear: metadata versions with a gap, a snapshot
    whose parent is not the one before it, a version that dropped a snapshot of the version before
    (an overwritten commit), a current snapshot that is not the newest."""
    problems = []
    numbers = [v.version for v in versions]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"metadata versions not contiguous from 1: {numbers}")
    for prev, cur in zip(versions, versions[1:]):
        dropped = {s.snapshot_id for s in prev.snapshots} - {s.snapshot_id for s in cur.snapshots}
        if dropped:
            problems.append(f"v{cur.version} dropped snapshots of v{prev.version}: {sorted(dropped)}")
    if versions:
        last = versions[-1]
        chain = list(last.snapshots)
        for prev, cur in zip(chain, chain[1:]):
            if cur.parent_id != prev.snapshot_id:
                problems.append(f"snapshot {cur.snapshot_id} (seq {cur.sequence_number}) has parent "
                                f"{cur.parent_id}, not the snapshot before it {prev.snapshot_id}")
        if chain and last.current_snapshot_id != chain[-1].snapshot_id:
            problems.append(f"current snapshot {last.current_snapshot_id} is not the newest "
                            f"{chain[-1].snapshot_id}")
    return problems
