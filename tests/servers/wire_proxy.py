#!/usr/bin/env python3
"""A recording HTTP proxy for tests: `wire_proxy.py LOG [--auth USER:PASS] [--upstream URL --tls CERT KEY]
[--bucket-region REGION]`.

Without `--upstream` it is a forward proxy: clients send absolute-URI requests (`GET http://host/...`),
which it forwards, or `CONNECT host:port` (HTTPS through the proxy), which it tunnels unread. With `--upstream URL` it is a reverse proxy (optionally
TLS-terminating with `--tls CERT KEY`) in front of URL. Every request is appended to LOG as one JSON line
{"method", "path", "headers": {lower-case name: value}} (and "form": the parameters of a form-encoded
body, as STS calls send) before it is forwarded, so a test sees exactly
what went on the wire. `--auth` requires `Proxy-Authorization: Basic` with those credentials (407 without).

`--bucket-region REGION` (reverse proxy) answers as AWS does for a bucket in REGION: a request signed for
another region (the scope of its `Authorization` header) is refused, not forwarded: `HEAD /bucket` with
400 and `x-amz-bucket-region: REGION`, another HEAD with a bare 400, anything else with a 400
AuthorizationHeaderMalformed document naming REGION (`--bare-refusals`: not naming it, so only `HEAD
/bucket` tells). moto and SeaweedFS accept any signing region, so
only such a front shows what an AWS client meets.

Prints one JSON line {"port": P} when listening on 127.0.0.1, and exits when stdin closes.
"""

import argparse
import base64
import http.client
import http.server
import json
import socket
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
    ap.add_argument("--bucket-region")
    ap.add_argument("--bare-refusals", action="store_true")
    args = ap.parse_args()
    lock = threading.Lock()
    in_flight = [0]  # requests being answered now (logged as "in_flight" on arrival, this one included)
    expected_auth = "Basic " + base64.b64encode(args.auth.encode()).decode() if args.auth else None

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def handle_any(self):
            headers = {k.lower(): v for k, v in self.headers.items()}
            with lock:
                in_flight[0] += 1
                entry = {"method": self.command, "path": self.path, "headers": headers, "in_flight": in_flight[0]}
            try:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                self.forward(headers, body, entry)
            finally:
                with lock:
                    in_flight[0] -= 1

        def forward(self, headers, body, entry):
            if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                # STS calls: their parameters (never S3 object data) are logged too.
                entry["form"] = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
            with lock, open(args.log, "a") as f:
                f.write(json.dumps(entry) + "\n")
            if self.refuse_auth(headers):
                return
            if args.bucket_region and self.refuse_region(headers):
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
            # A HEAD's Content-Length is the object's size (a file's status reads it), not its empty body's.
            length = resp.getheader("Content-Length") if self.command == "HEAD" else None
            for k, v in resp.getheaders():
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", length or str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            conn.close()

        def refuse_region(self, headers):
            scope = headers.get("authorization", "").split("Credential=")[-1].split(",")[0].split("/")
            signed = scope[2] if len(scope) == 5 else None
            if signed is None or signed == args.bucket_region:
                return False
            path = self.path.split("?")[0].strip("/")
            extra, body = [], b""
            region_element = "" if args.bare_refusals else f"<Region>{args.bucket_region}</Region>"
            if self.command == "HEAD" and "/" not in path:
                extra = [("x-amz-bucket-region", args.bucket_region)]
            elif self.command != "HEAD":
                body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AuthorizationHeaderMalformed</Code>"
                        f"<Message>The authorization header is malformed; the region '{signed}' is wrong; expecting "
                        f"'{args.bucket_region}'</Message>{region_element}</Error>").encode()
            self.send_response(400)
            for k, v in extra + [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))]:
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return True

        def refuse_auth(self, headers):
            """Answers 407 when --auth is set and the request lacks those credentials."""
            if not expected_auth or headers.get("proxy-authorization") == expected_auth:
                return False
            self.send_response(407)
            self.send_header("Proxy-Authenticate", 'Basic realm="test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True

        def do_CONNECT(self):
            headers = {k.lower(): v for k, v in self.headers.items()}
            with lock, open(args.log, "a") as f:
                f.write(json.dumps({"method": "CONNECT", "path": self.path, "headers": headers}) + "\n")
            if self.refuse_auth(headers):
                return
            host, _, port = self.path.rpartition(":")
            try:
                upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=60)
            except OSError:
                self.send_response(502)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200, "Connection established")
            self.end_headers()
            self.wfile.flush()

            def pump(src, dst):
                try:
                    while True:
                        data = src.recv(65536)
                        if not data:
                            break
                        dst.sendall(data)
                except OSError:
                    pass
                finally:
                    try:
                        dst.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass

            back = threading.Thread(target=pump, args=(upstream, self.connection), daemon=True)
            back.start()
            pump(self.connection, upstream)
            back.join()
            upstream.close()
            self.close_connection = True

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
