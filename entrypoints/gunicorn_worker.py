"""gunicorn's threaded worker (gthread) with a request-read deadline.

gthread already keeps connections that send nothing out of its threads, but once the first
byte arrives a thread reads the request with blocking calls: a client trickling one byte a
second holds that thread for as long as it likes. Here every request must be read within
REQUEST_READ_TIMEOUT_SECONDS of the thread taking it (headers and body, checked twice a
second); after that the socket's read side is shut, the blocked read ends, and the request
fails as a client error while the thread goes back to the pool. The deadline spans the whole
request (the app reads the body while it runs); shutting the read side of a request that
was read in time does not stop its response from being written.

Procfile: `gunicorn --worker-class entrypoints.gunicorn_worker.ReadDeadlineWorker --threads N`.
"""

from __future__ import annotations

import os
import socket
import threading
import time

from gunicorn.workers.gthread import ThreadWorker

DEFAULT_READ_TIMEOUT_S = 10.0
_SCAN_INTERVAL_S = 0.5


def read_timeout_seconds() -> float:
    raw = os.environ.get("REQUEST_READ_TIMEOUT_SECONDS", "").strip()
    try:
        value = float(raw) if raw else DEFAULT_READ_TIMEOUT_S
    except ValueError:
        return DEFAULT_READ_TIMEOUT_S
    return value if value > 0 else DEFAULT_READ_TIMEOUT_S


class ReadDeadlineWorker(ThreadWorker):
    def init_process(self):
        self._read_timeout = read_timeout_seconds()
        self._reading: dict[int, tuple[float, object]] = {}
        self._reading_lock = threading.Lock()
        threading.Thread(target=self._cut_slow_readers, name="read-deadline", daemon=True).start()
        super().init_process()  # runs the worker loop: must come last

    def handle(self, conn):
        key = id(conn)
        with self._reading_lock:
            self._reading[key] = (time.monotonic() + self._read_timeout, conn)
        try:
            return super().handle(conn)
        finally:
            with self._reading_lock:
                self._reading.pop(key, None)

    def _cut_slow_readers(self) -> None:
        while True:
            time.sleep(_SCAN_INTERVAL_S)
            now = time.monotonic()
            with self._reading_lock:
                expired = [k for k, (limit, _) in self._reading.items() if limit <= now]
                conns = [self._reading.pop(k)[1] for k in expired]
            for conn in conns:
                try:
                    conn.sock.shutdown(socket.SHUT_RD)
                except OSError:
                    continue  # already closed
                self.log.warning(
                    "request_read_timeout: %s did not finish its request within %.0f s; "
                    "its connection was cut",
                    conn.client[0] if isinstance(conn.client, tuple) else conn.client,
                    self._read_timeout,
                )
