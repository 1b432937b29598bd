"""A local S3 server for s3c:// runs, started through tests/servers/launch.py.

launch.py prints one JSON line {endpoint, bucket, access_key, secret_key, region, pid} and serves
until SIGTERM or EOF on its stdin; this wrapper owns that process and stops it (EOF, then by pid).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Optional

LAUNCHER = Path(__file__).resolve().parents[2] / "servers" / "launch.py"


def launcher_path() -> Optional[Path]:
    path = Path(os.environ.get("COMMITFS_S3_LAUNCHER", LAUNCHER))
    return path if path.is_file() else None


class S3Server:
    def __init__(self, kind: str = "seaweed", startup_timeout: float = 90.0):
        launcher = launcher_path()
        if launcher is None:
            raise FileNotFoundError(f"S3 launcher not found at {LAUNCHER} (set COMMITFS_S3_LAUNCHER)")
        self.kind = kind
        self._proc = subprocess.Popen(
            [sys.executable, str(launcher), kind],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = _readline_with_timeout(self._proc, startup_timeout)
        if not line:
            self.stop()
            raise RuntimeError(f"{launcher} {kind} exited before announcing its endpoint")
        info = json.loads(line)
        self.endpoint: str = info["endpoint"]
        self.bucket: str = info["bucket"]
        self.access_key: str = info["access_key"]
        self.secret_key: str = info["secret_key"]
        self.region: str = info.get("region") or "us-east-1"

    def __enter__(self) -> "S3Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """EOF on the launcher's stdin first: it then stops the server and exits normally (a
        SIGTERM while its stdin-watching thread is blocked in read() can abort the interpreter at
        exit); SIGTERM, then SIGKILL, only if it does not."""
        if self._proc.stdin and not self._proc.stdin.closed:
            self._proc.stdin.close()
        for sig, grace in ((None, 20), (signal.SIGTERM, 10), (signal.SIGKILL, None)):
            if self._proc.poll() is not None:
                return
            if sig is not None:
                self._proc.send_signal(sig)
            try:
                self._proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=self.region,
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
            config=Config(s3={"addressing_style": "path"}))

    def list_sizes(self, prefix: str) -> dict[str, int]:
        """{key: size} of every object under prefix."""
        sizes: dict[str, int] = {}
        for page in self.client().get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix):
            sizes.update((obj["Key"], obj["Size"]) for obj in page.get("Contents", []))
        return sizes


def _readline_with_timeout(proc: subprocess.Popen, timeout: float) -> str:
    import selectors

    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            return ""
    return proc.stdout.readline().strip()
