"""What a long-running JVM holds, read from /proc: resident memory, descriptors, threads, connections.

Used inside a driver (drivers/long_run.py samples its own gateway JVM) and by the test that judges the
samples. Linux only, like the rest of the e2e layer.
"""
from __future__ import annotations

import os
from typing import Optional

ESTABLISHED = "01"


def sample(pid: int, storage_port: Optional[int], heap_committed_kib: int) -> dict:
    """heap_committed_kib: the JVM's committed Java heap (MemoryMXBean), which the garbage collector
    grows up to -Xmx on its own schedule; resident memory outside it (native_kib: the Rust core's
    allocations, thread stacks, metaspace, direct buffers) is where a leak of a native library shows."""
    status = _status(pid)
    rss = int(status["VmRSS"].split()[0])
    return {
        "rss_kib": rss,
        "heap_committed_kib": heap_committed_kib,
        "native_kib": rss - heap_committed_kib,
        "threads": int(status["Threads"]),
        "fds": len(os.listdir(f"/proc/{pid}/fd")),
        "connections": connections(pid, storage_port) if storage_port else 0,
    }


def _status(pid: int) -> dict:
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def connections(pid: int, port: int) -> int:
    """Established TCP connections of process pid to `port` (its sockets matched by inode)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:  # closed between listdir and readlink
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    count = 0
    for table in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{table}") as f:
                next(f)
                for line in f:
                    cols = line.split()
                    remote_port = int(cols[2].rsplit(":", 1)[1], 16)
                    if cols[3] == ESTABLISHED and remote_port == port and cols[9] in inodes:
                        count += 1
        except FileNotFoundError:
            continue
    return count
