"""Driver scripts run as child processes, so that `kill -9` hits a real Spark driver.

Each start writes its own log; the child gets its own process group so SIGKILL reaches the Python
driver and the JVM it launched at the same instant (killing only Python would let the JVM notice
the closed gateway and exit through its shutdown hooks, which is not a crash).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Optional

DRIVERS = Path(__file__).resolve().parents[1] / "drivers"

LOG4J2 = """\
status = warn
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex
rootLogger.level = warn
rootLogger.appenderRef.stdout.ref = console
# "Checkpoint for time ... saved to file ..., took N bytes and M ms"
logger.ckpt.name = org.apache.spark.streaming.CheckpointWriter
logger.ckpt.level = info
logger.cfm.name = org.apache.spark.sql.execution.streaming.checkpointing
logger.cfm.level = warn
# "LogStore `io.delta.storage.HDFSLogStore` is used for scheme `s3c`" (Delta's choice per scheme).
logger.deltalogstore.name = org.apache.spark.sql.delta.storage.DelegatingLogStore
logger.deltalogstore.level = info
# Noise a checkpoint test does not need (a killed driver leaves these behind on restart).
logger.nativecode.name = org.apache.hadoop.util.NativeCodeLoader
logger.nativecode.level = error
"""


def write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def driver_conf(base_conf: dict, workdir: Path) -> dict:
    """Spark conf every driver gets on top of the target's: small, quiet and fast to start."""
    log4j = workdir / "log4j2.properties"
    if not log4j.exists():
        write_private(log4j, LOG4J2)
    java_opts = f"-Dlog4j2.configurationFile=file:{log4j}"
    return {
        "spark.ui.enabled": "false",
        "spark.sql.catalogImplementation": "in-memory",
        "spark.sql.shuffle.partitions": "2",
        "spark.default.parallelism": "2",
        "spark.log.structuredLogging.enabled": "false",
        "spark.driver.extraJavaOptions": java_opts,
        "spark.executor.extraJavaOptions": java_opts,
        "spark.sql.streaming.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # Everything on loopback (the host name here resolves to a non-routable address).
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        **base_conf,
    }


class ChildDriver:
    """One driver script and its config; start() may be called again after kill9() (a restart)."""

    def __init__(self, script: str, config: dict, workdir: Path, name: str, runtime=None):
        """runtime: the harness.sparks.SparkRuntime to run on (default: this interpreter's pyspark)."""
        self.script = DRIVERS / script
        self.runtime = runtime
        self.workdir = workdir
        self.name = name
        self.config_path = workdir / f"{name}.json"
        # The config can hold S3 credentials: owner-only, and never printed.
        write_private(self.config_path, json.dumps(config, indent=1))
        self.run = 0
        self.proc: Optional[subprocess.Popen] = None
        self.logs: list[Path] = []
        self.started_at = 0.0

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None, "driver already running"
        self.run += 1
        log = self.workdir / f"{self.name}-run{self.run}.log"
        self.logs.append(log)
        if self.runtime is None:
            python = sys.executable
            env = dict(os.environ, PYSPARK_PYTHON=python, PYSPARK_DRIVER_PYTHON=python)
        else:
            python = self.runtime.python
            env = self.runtime.env()
        env["PYTHONUNBUFFERED"] = "1"
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                [python, str(self.script), str(self.config_path), str(self.run)],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=env, cwd=self.workdir, start_new_session=True)
        self.started_at = time.monotonic()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self) -> None:
        """SIGKILL the driver's whole process group (Python + JVM), then reap it."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        # The JVM's own children (Python workers) share the group and died with it; give the
        # kernel a moment to release their ports and files.
        time.sleep(0.5)

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
            raise AssertionError(f"{self.name} run {self.run} did not finish in {timeout:.0f}s\n"
                                 + self.log_tail())

    def log_text(self, run: Optional[int] = None) -> str:
        logs = self.logs if run is None else [self.logs[run - 1]]
        return "".join(p.read_text(errors="replace") for p in logs if p.exists())

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_text(self.run).splitlines()
        return f"--- last {lines} lines of {self.logs[-1]} ---\n" + "\n".join(text[-lines:])

    def wait_until(self, condition: Callable[[], bool], timeout: float, what: str) -> float:
        """Poll condition while the driver runs; returns seconds waited, fails with the log tail."""
        start = time.monotonic()
        while True:
            if condition():
                return time.monotonic() - start
            if not self.alive():
                raise AssertionError(f"{self.name} run {self.run} exited (rc={self.proc.returncode})"
                                     f" before {what}\n" + self.log_tail())
            if time.monotonic() - start > timeout:
                self.kill9()
                raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}\n"
                                     + self.log_tail())
            time.sleep(0.2)

    def cleanup(self) -> None:
        if self.alive():
            self.kill9()


def read_records(path: Path) -> list[dict]:
    """The JSON lines a driver appended; a line torn by kill -9 (no newline yet) is ignored."""
    if not path.exists():
        return []
    records = []
    for line in path.read_text().split("\n")[:-1]:
        if line.strip():
            records.append(json.loads(line))
    return records


def run_racing_writers(drivers: list[ChildDriver], ready: list[Path], go: Path, metric,
                       timeout: float = 600) -> None:
    """Starts writer drivers that each touch their `ready` file and then wait for `go` (drivers/
    common.wait_for), releases them together, and waits for every one to exit 0."""
    try:
        for d in drivers:
            d.start()
        started = time.monotonic()
        for d, path in zip(drivers, ready):
            d.wait_until(path.exists, 300, f"{d.name} ready")
        metric("writers ready (s)", f"{time.monotonic() - started:.1f}")
        go.touch()
        started = time.monotonic()
        for d in drivers:
            assert d.wait(timeout=timeout) == 0, d.log_tail()
        metric("concurrent appends + read back (s)", f"{time.monotonic() - started:.1f}")
    finally:
        for d in drivers:
            d.cleanup()
