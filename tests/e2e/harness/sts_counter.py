"""A forwarding HTTP proxy on 127.0.0.1 in front of an STS endpoint that counts AssumeRole calls.

The long-run test points `fs.s3c.assumed.role.sts.endpoint` here to see how many sessions a run used
(each renewal is one AssumeRole); everything is forwarded unchanged to the real endpoint (moto).
"""
from __future__ import annotations

import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


class StsCounter:
    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self.assume_role_calls = 0
        self._lock = threading.Lock()
        counter = self

        class Forward(BaseHTTPRequestHandler):
            def do_POST(self):  # STS's query API is form-encoded POSTs
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if b"Action=AssumeRole" in body:
                    with counter._lock:
                        counter.assume_role_calls += 1
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                request = urllib.request.Request(counter.upstream + self.path, data=body, headers=headers,
                                                 method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        status, payload, reply = answer.status, answer.read(), answer.headers
                except urllib.error.HTTPError as error:
                    status, payload, reply = error.code, error.read(), error.headers
                self.send_response(status)
                for key, value in reply.items():
                    if key.lower() not in HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # quiet: the signed bodies carry no secret, but keep logs clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "StsCounter":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
