"""pymongo outages → MirrorUnavailable at the boundary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pymongo.errors import (
    AutoReconnect,
    ConnectionFailure,
    NetworkTimeout,
    ServerSelectionTimeoutError,
)

from application.ports import MirrorUnavailable


@contextmanager
def translated() -> Iterator[None]:
    try:
        yield
    except (ServerSelectionTimeoutError, AutoReconnect, NetworkTimeout, ConnectionFailure) as exc:
        raise MirrorUnavailable(f"{type(exc).__name__}: {str(exc)[:300]}") from exc
