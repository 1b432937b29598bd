#!/usr/bin/env python3
"""Starts a throw-away S3 server for tests: `launch.py {moto|seaweed} [--port-file F] [--bucket B] [--data-dir D]`.

When the server answers, prints ONE JSON line on stdout (and writes it to F if given):
    {"endpoint": "http://127.0.0.1:P", "bucket": B, "access_key": ..., "secret_key": ...,
     "region": "us-east-1", "pid": <server pid>}
then runs until SIGTERM/SIGINT or, when stdin is a pipe, EOF on it; stops the server and removes its temp dir. Everything binds
127.0.0.1 on free ports. The server dies with the launcher even on SIGKILL (PR_SET_PDEATHSIG), so a test
process that simply exits (closing our stdin) never leaks servers. The credentials are random per launch
and only valid for this local server.

`--data-dir D` (seaweed only; moto keeps everything in memory, so a restarted moto would be empty): the
server's state lives in D, which is kept at exit and belongs to the caller. Launching again with the same D
restarts the server on the same data, port, credentials and bucket (recorded in D/launch.json, mode 0600):
how tests restart a killed server.
"""

import argparse
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = "us-east-1"
PR_SET_PDEATHSIG = 1


def free_ports(n):
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def die_with_parent():
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    os.setsid()


def start_moto(tmp, port, log):
    cmd = [sys.executable, os.path.join(HERE, "moto_locked.py"), str(port)]
    return subprocess.Popen(cmd, cwd=tmp, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            preexec_fn=die_with_parent)


SEAWEED_PORTS = ["master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
                 "filer.port.grpc", "s3.port.grpc", "s3.port.iceberg", "s3.port.lance", "admin.port",
                 "admin.port.grpc", "debug.port", "s3.debug.port", "webdav.port", "metricsPort", "s3.metricsPort"]


def write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def start_seaweed(tmp, state, log):
    port, bucket, access_key, secret_key = state["port"], state["bucket"], state["access_key"], state["secret_key"]
    identities = {"identities": [{
        "name": "commitfs-test",
        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }]}
    config = os.path.join(tmp, "identities.json")
    write_private(config, json.dumps(identities))
    data = os.path.join(tmp, "data")
    os.makedirs(data, 0o700, exist_ok=True)
    cmd = ["weed", "mini", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false",
           "-admin.ui=false", "-webdav=false", f"-s3.port={port}", f"-s3.config={config}",
           f"-bucket={bucket}", f"-dir={data}"] + [f"-{n}={p}" for n, p in zip(SEAWEED_PORTS, state["ports"])]
    env = dict(os.environ, WEED_FILER_OPTIONS_S3_EMPTY_FOLDER_CLEANUP_DELAY="1s")
    return subprocess.Popen(cmd, cwd=tmp, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            preexec_fn=die_with_parent)


def s3_client(endpoint, access_key, secret_key):
    import boto3
    from botocore.config import Config
    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=access_key,
                        aws_secret_access_key=secret_key,
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def wait_ready(proc, endpoint, bucket, access_key, secret_key, create_bucket, deadline):
    client = s3_client(endpoint, access_key, secret_key)
    created = False
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with status {proc.returncode}")
        try:
            if create_bucket and not created:
                client.create_bucket(Bucket=bucket)
                created = True
            client.head_bucket(Bucket=bucket)
            return
        except Exception:  # not listening yet, or bucket not there yet
            time.sleep(0.1)
    raise RuntimeError("server did not become ready in time")


def load_or_create_state(kept_dir, bucket):
    """Port, credentials and seaweed's internal ports: fresh, or those of the earlier launch on `kept_dir`."""
    path = os.path.join(kept_dir, "launch.json") if kept_dir else None
    if path and os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    ports = free_ports(1 + len(SEAWEED_PORTS))
    state = {"port": ports[0], "ports": ports[1:], "bucket": bucket,
             "access_key": "AK" + secrets.token_hex(8).upper(), "secret_key": secrets.token_hex(20)}
    if path:
        write_private(path, json.dumps(state))
    return state


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["moto", "seaweed"])
    ap.add_argument("--port-file")
    ap.add_argument("--bucket", default="commitfs-test")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--data-dir", help="seaweed only: keep the server's state here; relaunch to restart it")
    args = ap.parse_args()
    if args.data_dir and args.kind != "seaweed":
        ap.error("--data-dir is for seaweed only: moto keeps its state in memory, a restart would lose it all")

    if args.data_dir:
        tmp = os.path.abspath(args.data_dir)
        os.makedirs(tmp, 0o700, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix=f"commitfs-{args.kind}-")  # mode 0700
    state = load_or_create_state(tmp if args.data_dir else None, args.bucket)
    bucket, access_key, secret_key, port = state["bucket"], state["access_key"], state["secret_key"], state["port"]
    endpoint = f"http://127.0.0.1:{port}"
    log = os.fdopen(os.open(os.path.join(tmp, "server.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
    proc = None
    stop = threading.Event()

    def cleanup(*_):
        stop.set()

    signal.signal(signal.SIGTERM, cleanup)
    signal.signal(signal.SIGINT, cleanup)
    try:
        if args.kind == "moto":
            proc = start_moto(tmp, port, log)
        else:
            proc = start_seaweed(tmp, state, log)
        wait_ready(proc, endpoint, bucket, access_key, secret_key, args.kind == "moto",
                   time.monotonic() + args.timeout)
        line = json.dumps({"endpoint": endpoint, "bucket": bucket, "access_key": access_key,
                           "secret_key": secret_key, "region": REGION, "pid": proc.pid})
        if args.port_file:
            write_private(args.port_file, line + "\n")
        print(line, flush=True)

        def watch_stdin():
            # os.read, not sys.stdin: a daemon thread blocked in a *buffered* read holds the buffer's lock
            # and aborts the interpreter at shutdown (SIGABRT) when we exit on SIGTERM.
            try:
                while os.read(0, 65536):
                    pass
            except Exception:
                pass
            stop.set()

        if stat.S_ISFIFO(os.fstat(0).st_mode):  # a pipe from the parent: its EOF means the parent is gone
            threading.Thread(target=watch_stdin, daemon=True).start()
        while not stop.wait(0.5):
            if proc.poll() is not None:
                print(f"launch.py: {args.kind} server exited with status {proc.returncode}", file=sys.stderr)
                if args.data_dir and proc.returncode == -signal.SIGKILL:
                    return 1  # killed on purpose by a restart test: its log says nothing useful
                with open(os.path.join(tmp, "server.log"), "rb") as f:
                    sys.stderr.write(f.read()[-4000:].decode(errors="replace"))
                return 1
        return 0
    except Exception as e:
        print(f"launch.py: cannot start {args.kind}: {e}", file=sys.stderr)
        try:
            with open(os.path.join(tmp, "server.log"), "rb") as f:
                sys.stderr.write(f.read()[-4000:].decode(errors="replace"))
        except OSError:
            pass
        return 1
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()
        if not args.data_dir:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
