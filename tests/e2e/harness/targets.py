"""Where a Spark job checkpoints: one scheme, one base URI, and the Spark conf that makes it work.

Every test and the demo are written against a `Target`, so the same scenario runs on plain
`file://` (the baseline, no jar needed), `filec://` (commitfs over a local directory) and `s3c://`
(commitfs over an S3 server started by tests/servers/launch.py). Two peers run the tests that report
what they do instead of asserting it (the one-owner and Iceberg tests, `tests/e2e/peers.sh`):
`file://` (Hadoop's LocalFileSystem, pinned) and `s3a://` (hadoop-aws on the same S3 server).
"""
from __future__ import annotations

import glob
import os
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from .s3server import S3Server
from .sparks import CACHE

REPO_ROOT = Path(__file__).resolve().parents[3]
SCHEMES = ("file", "filec", "s3c", "s3a")
# Schemes without commitfs: tests that take them record what happened (harness/peers.py), never fail on it.
PEERS = ("file", "s3a")


def find_jar() -> Optional[Path]:
    """The commitfs jar: $COMMITFS_JAR, else build/libs/commitfs-*.jar under the repo root."""
    explicit = os.environ.get("COMMITFS_JAR")
    if explicit:
        path = Path(explicit)
        return path if path.is_file() else None
    candidates = [
        Path(p)
        for p in sorted(glob.glob(str(REPO_ROOT / "build" / "libs" / "commitfs-*.jar")))
        if not p.endswith(("-sources.jar", "-javadoc.jar", "-tests.jar"))
    ]
    return candidates[-1] if candidates else None


@dataclass
class Target:
    scheme: str
    base_uri: str  # no trailing slash
    conf: dict = field(default_factory=dict)
    # The local directory behind base_uri for file:// and filec:// (None for s3c).
    local_root: Optional[Path] = None
    s3: Optional[S3Server] = None
    jar: Optional[Path] = None

    def uri(self, *parts: str) -> str:
        return "/".join([self.base_uri, *[p.strip("/") for p in parts]])

    def list_files(self, *parts: str) -> list[str]:
        """Relative names of every file under uri(*parts), read from the storage itself."""
        return sorted(self.file_sizes(*parts))

    def file_sizes(self, *parts: str) -> dict[str, int]:
        """{relative name: size in bytes} for every file under uri(*parts)."""
        if self.local_root is not None:
            root = self.local_root.joinpath(*parts)
            return {
                str(Path(dirpath, name).relative_to(root)): Path(dirpath, name).stat().st_size
                for dirpath, _dirs, names in os.walk(root)
                for name in names
            }
        assert self.s3 is not None
        prefix = self._key(*parts) + "/"
        return {key[len(prefix):]: size for key, size in self.s3.list_sizes(prefix).items()}

    def read_text(self, *parts: str) -> str:
        """The content of the file at uri(*parts), read from the storage itself."""
        if self.local_root is not None:
            return self.local_root.joinpath(*parts).read_text()
        assert self.s3 is not None
        body = self.s3.client().get_object(Bucket=self.s3.bucket, Key=self._key(*parts))["Body"]
        return body.read().decode()

    def _key(self, *parts: str) -> str:
        return "/".join([self.base_uri.split("/", 3)[3], *parts]).strip("/")

    def describe(self) -> str:
        return f"{self.scheme} at {self.base_uri}"

    @property
    def is_peer(self) -> bool:
        return self.scheme in PEERS

    def for_spark(self, runtime) -> "Target":
        """This target for drivers on `runtime`: s3a:// gets the hadoop-aws jars matching that Spark's
        Hadoop client (tests/e2e/peers.sh fetches them); other schemes need nothing per Spark line."""
        if self.scheme != "s3a":
            return self
        jars = s3a_jars(runtime.hadoop)
        if not jars:
            raise TargetUnavailable(f"s3a on Spark {runtime.version}: no hadoop-aws {runtime.hadoop} jars "
                                    f"in {s3a_jar_dir(runtime.hadoop)} (run tests/e2e/peers.sh)")
        return replace(self, conf={**self.conf, "spark.jars": ",".join(map(str, jars))})


def pinned_local_conf() -> dict:
    # Inside pyspark, hive-exec maps file:// to Hive's ProxyLocalFileSystem: pin Hadoop's own.
    return {"spark.hadoop.fs.file.impl": "org.apache.hadoop.fs.LocalFileSystem"}


def commitfs_conf(scheme: str, jar: Path) -> dict:
    return {
        "spark.jars": str(jar),
        f"spark.hadoop.fs.{scheme}.impl": "io.commitfs.hadoop.CommitFileSystem",
        f"spark.hadoop.fs.AbstractFileSystem.{scheme}.impl": "io.commitfs.hadoop.CommitFs",
    }


def s3c_conf(server: S3Server) -> dict:
    return {
        "spark.hadoop.fs.s3c.endpoint": server.endpoint,
        "spark.hadoop.fs.s3c.endpoint.region": server.region,
        "spark.hadoop.fs.s3c.access.key": server.access_key,
        "spark.hadoop.fs.s3c.secret.key": server.secret_key,
        "spark.hadoop.fs.s3c.path.style.access": "true",
    }


def s3a_conf(server: S3Server) -> dict:
    return {
        "spark.hadoop.fs.s3a.endpoint": server.endpoint,
        "spark.hadoop.fs.s3a.endpoint.region": server.region,
        "spark.hadoop.fs.s3a.access.key": server.access_key,
        "spark.hadoop.fs.s3a.secret.key": server.secret_key,
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
        "spark.hadoop.fs.s3a.aws.credentials.provider":
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
    }


def s3a_jar_dir(hadoop_version: str) -> Path:
    return CACHE / "jars" / f"hadoop-aws-{hadoop_version}"


def s3a_jars(hadoop_version: str) -> list[Path]:
    """hadoop-aws and the AWS SDK it was built against, for one Hadoop client version."""
    jars = sorted(s3a_jar_dir(hadoop_version).glob("*.jar"))
    return jars if any(j.name.startswith("hadoop-aws-") for j in jars) else []


class TargetUnavailable(Exception):
    """The scheme cannot run here (no jar, no S3 launcher); tests skip with this message."""


def make_target(scheme: str, workdir: Path, s3: Optional[S3Server] = None) -> Target:
    """A fresh, empty Target under workdir (local schemes) or under a unique S3 prefix (s3c, s3a)."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; expected one of {SCHEMES}")
    conf = pinned_local_conf()
    jar = None
    if scheme == "s3a":
        if s3 is None:
            raise TargetUnavailable("s3a needs an S3 server (tests/servers/launch.py)")
        conf.update(s3a_conf(s3))
        return Target(scheme, f"s3a://{s3.bucket}/e2e-{uuid.uuid4().hex[:10]}", conf, None, s3, None)
    if scheme != "file":
        jar = find_jar()
        if jar is None:
            raise TargetUnavailable(
                "commitfs jar not found: build it (gradle jar) or set COMMITFS_JAR")
        conf.update(commitfs_conf(scheme, jar))
    if scheme == "s3c":
        if s3 is None:
            raise TargetUnavailable("s3c needs an S3 server (tests/servers/launch.py)")
        conf.update(s3c_conf(s3))
        run = f"e2e-{uuid.uuid4().hex[:10]}"
        return Target(scheme, f"s3c://{s3.bucket}/{run}", conf, None, s3, jar)
    root = workdir / "store"
    root.mkdir(parents=True, exist_ok=True)
    return Target(scheme, f"{scheme}://{root}", conf, root, None, jar)
