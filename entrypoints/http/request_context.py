"""What every request does around its view, for the Flask hooks (app.py) and the webhook's
fast path (webhook_fast.py) alike: the request id bound to the log context, the database
deadline, and the `http_request` line."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
import uuid

import structlog

from adapters.sqlalchemy.deadline import reset_request_deadline, set_request_deadline

# The line keeps the logger name it always had.
log = structlog.get_logger("entrypoints.http.app")
_std_log = logging.getLogger("entrypoints.http.app")


def bind_request(request_id: str | None) -> str:
    """A fresh log context for this request, with its id (the X-Request-ID header, else new)."""
    structlog.contextvars.clear_contextvars()
    request_id = (request_id or uuid.uuid4().hex)[:64]
    structlog.contextvars.bind_contextvars(request_id=request_id)
    return request_id


def end_request() -> None:
    structlog.contextvars.clear_contextvars()


def start_deadline(seconds: float) -> contextvars.Token:
    """Every database round trip of a request ends within `seconds` of its start, even on a
    hung server (Zendesk gives up after ~12 s; a 503 with Retry-After makes it retry)."""
    return set_request_deadline(seconds)


def end_deadline(token: contextvars.Token | None) -> None:
    if token is not None:
        with contextlib.suppress(ValueError):  # set in another context: nothing to undo
            reset_request_deadline(token)


def log_request(method: str, path: str, status: int, started: float | None) -> None:
    if not _std_log.isEnabledFor(logging.INFO):
        return  # not even the line's fields are worth working out
    log.info(
        "http_request",
        method=method,
        path=path,
        status=status,
        duration_ms=round((time.perf_counter() - started) * 1000, 2) if started else None,
    )
