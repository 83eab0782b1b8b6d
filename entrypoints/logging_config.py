"""structlog set-up shared by web, worker and CLI: JSON in production, console in development.

The application layer logs through stdlib `logging` with `extra={...}` (it may not import
structlog); the ProcessorFormatter below renders those records the same way, with the
context bound via structlog.contextvars (request_id, job_id) merged into every line.
"""

from __future__ import annotations

import logging
import sys

import structlog

# Never let these reach a log line, whoever passes them.
_REDACTED_KEYS = frozenset(
    {
        "body",
        "body_html",
        "body_text",
        "cleaned_body",
        "password",
        "secret",
        "signature",
        "token",
        "authorization",
        "api_key",
    }
)


def _redact(_logger: object, _method: str, event_dict: dict) -> dict:
    for key in _REDACTED_KEYS.intersection(event_dict):
        event_dict[key] = "[redacted]"
    return event_dict


def _drop_formatter_leftovers(_logger: object, _method: str, event_dict: dict) -> dict:
    # Another handler may have formatted the record first (huey_consumer adds one).
    event_dict.pop("asctime", None)
    if event_dict.get("message") == event_dict.get("event"):
        event_dict.pop("message", None)
    return event_dict


def configure_logging(log_format: str = "console", level: str = "INFO") -> None:
    shared: list = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            *shared,
            _redact,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    if log_format == "json":
        renderer: object = structlog.processors.JSONRenderer()
        final = [structlog.processors.dict_tracebacks, renderer]
    else:
        final = [structlog.dev.ConsoleRenderer(colors=False)]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            *shared,
            structlog.stdlib.ExtraAdder(),
            _drop_formatter_leftovers,
            _redact,
        ],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *final],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
