"""moto_server, applying one request at a time.

DynamoDB applies the writes to one item one at a time: a conditional UpdateItem is atomic. moto's own server is
threaded and does not lock its backends, so two concurrent conditional updates of one item can both pass their
condition (seen here: three writers winning the same PENDING -> RUNNING step). Serialising requests gives back the
guarantee the service relies on; clients still race exactly as they do against DynamoDB.

Usage: python3 moto_serialized.py HOST PORT
"""
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialized(environ, start_response):
        with lock:
            # Consume the whole response inside the lock: moto works while producing it.
            return list(app(environ, start_response))

    run_simple(host, port, serialized, threaded=True)


if __name__ == "__main__":
    main()
