"""Client-side deadlines for PostgreSQL round trips.

A hung server (SIGSTOP, a cut network) refuses nothing: the kernel still accepts the TCP
connection and acknowledges what we send, so libpq's connect_timeout, TCP keepalives and the
server's own statement_timeout never fire, and a blocking psycopg2 call waits for ever.
psycopg2's wait callback ("green" mode) lets us poll the socket ourselves with a limit:

- every round trip (connect, query, commit) waits at most `ROUND_TRIP_LIMIT_S`;
- within `deadline(seconds)` (the web sets one per request) it also ends by that deadline.

When the limit passes the connection is closed (SQLAlchemy sees a disconnect and drops it
from the pool) and psycopg2.OperationalError is raised, which the adapters translate into
StorageUnavailable: intake answers 503 in time for Zendesk to retry.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import psycopg2.extensions

# A little above the server's statement_timeout (engine.py), so a slow query is cancelled by
# the server first and a silent one is cut off here.
ROUND_TRIP_LIMIT_S = 15.0

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "database_deadline", default=None
)
_installed = threading.Lock()


class DeadlineExceeded(psycopg2.OperationalError):
    """The server did not answer in time (reported like a lost connection)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every database round trip inside ends by now + seconds (nested: the earlier wins)."""
    limit = time.monotonic() + seconds
    outer = _deadline.get()
    token = _deadline.set(limit if outer is None else min(outer, limit))
    try:
        yield
    finally:
        _deadline.reset(token)


def set_request_deadline(seconds: float) -> contextvars.Token:
    """For frameworks with before/after hooks instead of a `with` block (reset the token)."""
    return _deadline.set(time.monotonic() + seconds)


def reset_request_deadline(token: contextvars.Token) -> None:
    _deadline.reset(token)


def wait_with_deadline(conn) -> None:
    """psycopg2 wait callback: poll until the operation completes or the limit passes."""
    limit = time.monotonic() + ROUND_TRIP_LIMIT_S
    request_limit = _deadline.get()
    if request_limit is not None:
        limit = min(limit, request_limit)
    poller = select.poll()
    registered = None
    while True:
        state = conn.poll()
        if state == psycopg2.extensions.POLL_OK:
            return
        if state == psycopg2.extensions.POLL_READ:
            events = select.POLLIN
        elif state == psycopg2.extensions.POLL_WRITE:
            events = select.POLLOUT
        else:  # pragma: no cover - psycopg2 raises on errors itself
            raise psycopg2.OperationalError(f"unexpected poll state {state}")
        remaining = limit - time.monotonic()
        if remaining <= 0:
            _give_up(conn)
        fd = conn.fileno()
        if registered != (fd, events):
            if registered is not None:
                poller.unregister(registered[0])
            poller.register(fd, events)
            registered = (fd, events)
        if not poller.poll(remaining * 1000):
            _give_up(conn)


def _give_up(conn) -> None:
    # Shut the socket down (conn.close() here would deadlock on psycopg2's connection lock):
    # the connection can never be reused with a request in flight, and SQLAlchemy, seeing a
    # disconnect message, drops it from the pool and closes it.
    with contextlib.suppress(OSError), socket.socket(fileno=os.dup(conn.fileno())) as sock:
        sock.shutdown(socket.SHUT_RDWR)
    raise DeadlineExceeded("server closed the connection: no answer within the client deadline")


def install() -> None:
    """Switch psycopg2 to the polling wait (process-wide; idempotent)."""
    with _installed:
        if psycopg2.extensions.get_wait_callback() is not wait_with_deadline:
            psycopg2.extensions.set_wait_callback(wait_with_deadline)
