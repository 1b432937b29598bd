"""A throw-away Spark standalone cluster (one Master, one Worker) on 127.0.0.1, free ports.

Drivers still run as child processes in client mode; the executors run in the Worker, in their own
JVMs, so checkpoint and state-store writes happen in a different process from the driver's. Both
daemons are started by pid and stopped by pid (SIGTERM, then SIGKILL), with their work directory.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

MASTER = "org.apache.spark.deploy.master.Master"
WORKER = "org.apache.spark.deploy.worker.Worker"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StandaloneCluster:
    def __init__(self, workdir: Path, runtime=None, cores: int = 2, memory: str = "2g",
                 timeout: float = 180):
        """runtime: the harness.sparks.SparkRuntime whose spark-class starts the daemons (default:
        the one on PATH); drivers connecting to this cluster must run on the same Spark."""
        self.workdir = workdir
        self.runtime = runtime
        self._procs: list[subprocess.Popen] = []
        self._logs: list[Path] = []
        spark_class = runtime.spark_class if runtime is not None else shutil.which("spark-class")
        if spark_class is None:
            raise FileNotFoundError("spark-class not on PATH (it comes with pyspark)")
        port = free_port()
        self.master_url = f"spark://127.0.0.1:{port}"
        try:
            self._start(spark_class, "master", [MASTER, "--host", "127.0.0.1", "--port", str(port),
                                                "--webui-port", str(free_port())])
            self._wait_for_log(0, "I have been elected leader", timeout)
            self._start(spark_class, "worker", [
                WORKER, self.master_url, "--host", "127.0.0.1", "--port", str(free_port()),
                "--webui-port", str(free_port()), "--cores", str(cores), "--memory", memory,
                "--work-dir", str(workdir / "worker")])
            self._wait_for_log(1, "Successfully registered with master", timeout)
        except BaseException:
            self.stop()
            raise

    def _start(self, spark_class: str, name: str, args: list[str]) -> None:
        log = self.workdir / f"{name}.log"
        env = self.runtime.env() if self.runtime is not None else dict(os.environ)
        env.update(SPARK_LOCAL_IP="127.0.0.1", SPARK_NO_DAEMONIZE="1")
        with open(log, "wb") as out:
            self._procs.append(subprocess.Popen(
                [spark_class, *args], stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=env, start_new_session=True))
        self._logs.append(log)

    def _wait_for_log(self, index: int, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self._logs[index].read_text(errors="replace"):
            if self._procs[index].poll() is not None:
                raise RuntimeError(f"{self._logs[index].name} exited before '{text}':\n"
                                   + self._logs[index].read_text(errors="replace")[-3000:])
            if time.monotonic() > deadline:
                raise TimeoutError(f"no '{text}' in {self._logs[index]} after {timeout:.0f}s")
            time.sleep(0.3)

    def __enter__(self) -> "StandaloneCluster":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Worker first (it also stops its executors), then the Master; each by its own group."""
        for proc in reversed(self._procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        self._procs.clear()
