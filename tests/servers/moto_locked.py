"""moto's S3 server with ONE global lock held around each request.

Stock moto_server is threaded without a lock: two conditional writes (If-None-Match: *) to one key both
won about 1 race in 400. Serialising every request makes moto's conditional checks atomic, which is what
real S3 guarantees and what the race tests rely on.

Usage: python3 moto_locked.py PORT   (binds 127.0.0.1 only)
"""

import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def locked(app):
    lock = threading.Lock()

    def handle(environ, start_response):
        with lock:
            result = app(environ, start_response)
            try:
                # The response body is produced lazily: drain it under the lock too.
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        return [body]

    return handle


def main():
    port = int(sys.argv[1])
    app = DomainDispatcherApplication(create_backend_app)
    run_simple("127.0.0.1", port, locked(app), threaded=True, use_reloader=False, use_debugger=False)


if __name__ == "__main__":
    main()
