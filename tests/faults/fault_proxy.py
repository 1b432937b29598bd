#!/usr/bin/env python3
"""A fault-injecting HTTP/1.1 proxy for S3 traffic, on 127.0.0.1 only.

`fault_proxy.py --upstream http://127.0.0.1:P [--seed N] [--rate 0.2] [--faults reset,drop,503,500,stall]`
prints ONE JSON line {"endpoint": "http://127.0.0.1:Q", "control": "http://127.0.0.1:C", "pid": ...} when
ready and runs until SIGTERM or stdin EOF. Each request is forwarded unchanged, except that with
probability `rate` one fault is injected, chosen from `faults`:

- reset:  close the client connection before forwarding (the request never reached the server);
- drop:   forward, let the server act, then close the connection without the response — the ambiguous
          case: a retried conditional PUT meets its own first write and gets 412;
- 503:    answer `503 SlowDown` (S3's throttling reply) without forwarding;
- 500:    answer `500 InternalError` without forwarding;
- stall:  forward, then hold the response for `--stall-seconds` (past the client's timeout) before closing.

The control endpoint answers `GET /stats` with JSON counts {requests, faults: {kind: n}} and takes
`POST /rate?value=0.0` to change the rate at run time (e.g. to verify results fault-free), and
`POST /arm?fault=drop&match=renameObject` to inject `fault` into the next request whose request line
contains `match` (once per call; armed faults come first, whatever the rate). Bounded: it
never opens more than `--max-connections` upstream connections and only talks to the upstream given.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import urllib.parse

FAULT_KINDS = ("reset", "drop", "503", "500", "stall")
ERROR_BODIES = {
    "503": (b"503 Slow Down", b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"),
    "500": (b"500 Internal Server Error", b"<Error><Code>InternalError</Code><Message>injected</Message></Error>"),
}


class Stats:
    def __init__(self):
        self.requests = 0
        self.faults = {k: 0 for k in FAULT_KINDS}

    def as_json(self):
        return json.dumps({"requests": self.requests, "faults": self.faults, "injected": sum(self.faults.values())})


async def read_message(reader, is_response, method=None):
    """Reads one HTTP/1.1 message (head + body) and returns its raw bytes, or None at EOF."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = await reader.readline()
        if not line:
            return None
        head += line
    lines = head.split(b"\r\n")
    headers = {}
    for h in lines[1:]:
        if b":" in h:
            k, v = h.split(b":", 1)
            headers[k.strip().lower()] = v.strip()
    body = b""
    no_body = is_response and (method == b"HEAD" or lines[0].split(b" ")[1] in (b"204", b"304"))
    if no_body:
        return head
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        while True:
            size_line = await reader.readline()
            body += size_line
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            chunk = await reader.readexactly(size + 2)
            body += chunk
            if size == 0:
                # trailers end with an empty line; the common case is exactly "\r\n" already read
                break
    elif b"content-length" in headers:
        body = await reader.readexactly(int(headers[b"content-length"]))
    return head + body


class Proxy:
    def __init__(self, args):
        up = urllib.parse.urlparse(args.upstream)
        if up.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("fault_proxy only forwards to loopback upstreams")
        self.up_host, self.up_port = up.hostname, up.port or 80
        self.rate = args.rate
        self.kinds = [k for k in args.faults.split(",") if k]
        for k in self.kinds:
            if k not in FAULT_KINDS:
                raise SystemExit(f"unknown fault '{k}': choose from {','.join(FAULT_KINDS)}")
        self.rng = random.Random(args.seed)
        self.stall = args.stall_seconds
        self.stats = Stats()
        self.slots = asyncio.Semaphore(args.max_connections)
        self.armed = []  # (fault, substring of the request line), each used once

    def pick_fault(self, request_line):
        for i, (fault, match) in enumerate(self.armed):
            if match in request_line:
                del self.armed[i]
                return fault
        if self.kinds and self.rng.random() < self.rate:
            return self.rng.choice(self.kinds)
        return None

    async def handle(self, creader, cwriter):
        async with self.slots:
            upstream = None
            try:
                ureader, uwriter = upstream = await asyncio.open_connection(self.up_host, self.up_port)
                while True:
                    request = await read_message(creader, False)
                    if request is None:
                        return
                    self.stats.requests += 1
                    method = request.split(b" ", 1)[0]
                    fault = self.pick_fault(request.split(b"\r\n", 1)[0])
                    if fault:
                        self.stats.faults[fault] += 1
                    if fault == "reset":
                        return
                    if fault in ERROR_BODIES:
                        status, body = ERROR_BODIES[fault]
                        cwriter.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: application/xml\r\nContent-Length: "
                                      + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
                        await cwriter.drain()
                        return
                    uwriter.write(request)
                    await uwriter.drain()
                    response = await read_message(ureader, True, method)
                    if response is None:
                        return
                    if fault == "drop":
                        return
                    if fault == "stall":
                        await asyncio.sleep(self.stall)
                        return
                    cwriter.write(response)
                    await cwriter.drain()
            except (ConnectionError, asyncio.IncompleteReadError, ValueError):
                return
            finally:
                for w in (cwriter, upstream[1] if upstream else None):
                    if w is not None:
                        w.close()

    async def control(self, reader, writer):
        try:
            request = await read_message(reader, False)
            if request is None:
                return
            target = request.split(b" ")[1].decode()
            url = urllib.parse.urlparse(target)
            if url.path == "/rate":
                self.rate = float(urllib.parse.parse_qs(url.query)["value"][0])
            elif url.path == "/arm":
                q = urllib.parse.parse_qs(url.query)
                if q["fault"][0] not in FAULT_KINDS:
                    raise ValueError(f"unknown fault {q['fault'][0]}")
                self.armed.append((q["fault"][0], q["match"][0].encode()))
            body = self.stats.as_json().encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
            await writer.drain()
        finally:
            writer.close()


async def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=0.2)
    ap.add_argument("--faults", default=",".join(FAULT_KINDS))
    ap.add_argument("--stall-seconds", type=float, default=10.0)
    ap.add_argument("--max-connections", type=int, default=64)
    args = ap.parse_args()
    proxy = Proxy(args)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
    control = await asyncio.start_server(proxy.control, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    cport = control.sockets[0].getsockname()[1]
    print(json.dumps({"endpoint": f"http://127.0.0.1:{port}", "control": f"http://127.0.0.1:{cport}", "pid": os.getpid()}), flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if not sys.stdin.isatty():
        async def watch_stdin():
            await loop.run_in_executor(None, sys.stdin.read)
            stop.set()
        asyncio.ensure_future(watch_stdin())
    await stop.wait()
    server.close()
    control.close()


if __name__ == "__main__":
    asyncio.run(main())
