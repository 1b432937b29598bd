"""Results of the tests that also run on the peers (file://, s3a://) and record what happens there
instead of asserting it: one JSON line per run in $COMMITFS_E2E_RESULTS/peers.jsonl (default
build/e2e-results/), summarized in tests/e2e/README.md."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from .targets import REPO_ROOT


def results_dir() -> Path:
    return Path(os.environ.get("COMMITFS_E2E_RESULTS", REPO_ROOT / "build" / "e2e-results"))


def record_peer(test: str, scheme: str, spark_version: str, outcome: dict) -> Path:
    path = results_dir() / "peers.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {"test": test, "scheme": scheme, "spark": spark_version, "at": time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **outcome}
    with open(path, "a") as f:
        f.write(json.dumps(line, sort_keys=True) + "\n")
    return path
