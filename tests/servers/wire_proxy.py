#!/usr/bin/env python3
"""A recording HTTP proxy for tests: `wire_proxy.py LOG [--auth USER:PASS] [--upstream URL --tls CERT KEY]`.

Without `--upstream` it is a forward proxy: clients send absolute-URI requests (`GET http://host/...`),
which it forwards (plain HTTP only: no CONNECT). With `--upstream URL` it is a reverse proxy (optionally
TLS-terminating with `--tls CERT KEY`) in front of URL. Every request is appended to LOG as one JSON line
{"method", "path", "headers": {lower-case name: value}} before it is forwarded, so a test sees exactly
what went on the wire. `--auth` requires `Proxy-Authorization: Basic` with those credentials (407 without).

Prints one JSON line {"port": P} when listening on 127.0.0.1, and exits when stdin closes.
"""

import argparse
import base64
import http.client
import http.server
import json
import ssl
import sys
import threading
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer",
              "transfer-encoding", "upgrade"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--auth")
    ap.add_argument("--upstream")
    ap.add_argument("--tls", nargs=2)
    args = ap.parse_args()
    lock = threading.Lock()
    expected_auth = "Basic " + base64.b64encode(args.auth.encode()).decode() if args.auth else None

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def handle_any(self):
            headers = {k.lower(): v for k, v in self.headers.items()}
            with lock, open(args.log, "a") as f:
                f.write(json.dumps({"method": self.command, "path": self.path, "headers": headers}) + "\n")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if expected_auth and headers.get("proxy-authorization") != expected_auth:
                self.send_response(407)
                self.send_header("Proxy-Authenticate", 'Basic realm="test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if args.upstream:
                target = urllib.parse.urlsplit(args.upstream)
                path = self.path
            else:
                target = urllib.parse.urlsplit(self.path)
                path = target.path + ("?" + target.query if target.query else "")
            conn = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=60)
            out = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            conn.request(self.command, path, body=body, headers=out)
            resp = conn.getresponse()
            data = resp.read()
            self.send_response(resp.status, resp.reason)
            for k, v in resp.getheaders():
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            conn.close()

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
