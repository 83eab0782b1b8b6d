"""structlog set-up shared by web, worker and CLI: JSON in production, console in development.

The application layer logs through stdlib `logging` with `extra={...}` (it may not import
structlog); the ProcessorFormatter below renders those records the same way, with the
context bound via structlog.contextvars (request_id, job_id) merged into every line.

Nothing secret or personal reaches a line: tracebacks never show local variables (they held
the Settings and the payload), keys naming secrets or bodies are redacted at any depth,
exception messages keep only their first line with quoted values elided (DBAPI errors quote
rows and parameters), and the configured secret values are scrubbed from every string.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Iterable

import structlog
from structlog.tracebacks import ExceptionDictTransformer

from domain.errors import safe_message

REDACTED = "[redacted]"
# A key is redacted when it contains one of these (case-insensitive): smtp_password,
# zendesk_webhook_secret, anthropic_api_key, body_html, raw_body, …
_SENSITIVE_KEY_PARTS = (
    "body",
    "password",
    "secret",
    "signature",
    "token",
    "authorization",
    "api_key",
    "apikey",
    "cookie",
)
_MAX_DEPTH = 8
# ProcessorFormatter's own keys, never part of a line.
_PROCESSOR_META = frozenset({"_record", "_from_structlog"})

_secrets: tuple[str, ...] = ()


@functools.lru_cache(maxsize=1024)
def _is_sensitive(key: object) -> bool:
    # Cached: a handful of keys recur on every line (about 70 look-ups per job in the worker).
    lowered = str(key).lower()
    return any(part in lowered for part in _SENSITIVE_KEY_PARTS)


def _scrub_text(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _clean(value: object, depth: int = 0) -> object:
    if isinstance(value, str):
        return _scrub_text(value)
    if depth >= _MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return {k: REDACTED if _is_sensitive(k) else _clean(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v, depth + 1) for v in value]
    return value


_PLAIN_TYPES = frozenset({int, float, bool, type(None)})


def _clean_event(event: dict) -> dict:
    """`_clean(event)` without the `_PROCESSOR_META` keys, in one loop: the same dict (same
    keys, order and values), with the common value (a str without a secret, a number, a bool,
    None) handled inline. Anything else goes through `_clean` at depth 1, as `_clean` would."""
    cleaned = {}
    secrets = _secrets
    for key, value in event.items():
        if key in _PROCESSOR_META:
            continue
        if _is_sensitive(key):
            cleaned[key] = REDACTED
        elif type(value) is str:
            for secret in secrets:
                if secret in value:
                    value = _scrub_text(value)  # the secrets before this one are not in it
                    break
            cleaned[key] = value
        elif type(value) in _PLAIN_TYPES:
            cleaned[key] = value
        else:
            cleaned[key] = _clean(value, 1)
    return cleaned


def exception_summary(message: str) -> str:
    """First line of an exception message, quoted values elided, secrets scrubbed."""
    return _scrub_text(safe_message(message))


def _redact(_logger: object, _method: str, event_dict: dict) -> dict:
    return _clean_event(event_dict)  # _clean(event_dict); the meta keys are removed already


_tracebacks = structlog.processors.ExceptionRenderer(
    ExceptionDictTransformer(show_locals=False, use_rich=False)
)


def _safe_exception(logger: object, method: str, event_dict: dict) -> dict:
    """Render exc_info as frames without locals; keep only safe exception messages."""
    event_dict = _tracebacks(logger, method, event_dict)
    for exception in event_dict.get("exception") or []:
        if isinstance(exception, dict):
            exception["exc_value"] = exception_summary(str(exception.get("exc_value", "")))
            exception.pop("syntax_error", None)
    return event_dict


def _exception_as_text(_logger: object, _method: str, event_dict: dict) -> dict:
    """The console's compact traceback, built from the already-sanitised frames."""
    chain = event_dict.pop("exception", None)
    if not chain:
        return event_dict
    lines: list[str] = ["Traceback (most recent call last, locals and data omitted):"]
    for exception in reversed(chain):
        for frame in exception.get("frames", []):
            lines.append(
                f'  File "{frame["filename"]}", line {frame["lineno"]}, in {frame["name"]}'
            )
        lines.append(f"{exception['exc_type']}: {exception['exc_value']}")
    event_dict["exception"] = "\n".join(lines)
    return event_dict


def _drop_formatter_leftovers(_logger: object, _method: str, event_dict: dict) -> dict:
    # Another handler may have formatted the record first (huey_consumer adds one).
    event_dict.pop("asctime", None)
    if event_dict.get("message") == event_dict.get("event"):
        event_dict.pop("message", None)
    return event_dict


_STANDARD_RECORD_KEYS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__)


class _JSONFormatter(structlog.stdlib.ProcessorFormatter):
    """The production formatter: the same JSON line as ProcessorFormatter with the chain in
    configure_logging, built directly for a record without exception or stack, which is every
    INFO line: ProcessorFormatter copies each record, builds a second LogRecord and runs each
    processor through a loop, ~40 % of a line's cost (six lines per job in the worker).
    Anything else goes through ProcessorFormatter itself (tests compare the two)."""

    def __init__(self, shared: list, **kwargs) -> None:
        super().__init__(**kwargs)
        self._merge_contextvars, self._stamp = shared[0], shared[3]
        # What JSONRenderer() does per line (json.dumps with `default=` builds a JSONEncoder
        # on every call), with the encoder built once.
        renderer_options = structlog.processors.JSONRenderer()._dumps_kw
        self._encode = json.JSONEncoder(**renderer_options).encode

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info or record.exc_text or record.stack_info:
            return super().format(record)
        msg = record.msg
        if isinstance(msg, dict) and hasattr(record, "_logger"):
            # The structlog chain has run already; _clean_event copies, msg stays as it is.
            if "exc_info" in msg or "exception" in msg or "stack_info" in msg:
                return super().format(record)
            event = msg
        else:
            event = {"event": record.getMessage()}
            self._merge_contextvars(None, "", event)
            event["level"] = record.levelname.lower()
            event["logger"] = record.name
            self._stamp(None, "", event)
            for key, value in record.__dict__.items():
                if key not in _STANDARD_RECORD_KEYS:
                    event[key] = value
            _drop_formatter_leftovers(None, "", event)
        return self._encode(_clean_event(event))


def configure_logging(
    log_format: str = "console", level: str = "INFO", secrets: Iterable[str | None] = ()
) -> None:
    """`secrets`: values (webhook secret, tokens, passwords, API keys) scrubbed from every line."""
    global _secrets
    # Longest first, so a secret containing another is replaced whole.
    _secrets = tuple(sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True))
    shared: list = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        # filter_by_level first: a line below the level costs one isEnabledFor, not the chain.
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    if log_format == "json":
        final: list = [_safe_exception, _redact, structlog.processors.JSONRenderer()]
    else:
        final = [
            _safe_exception,
            _redact,
            _exception_as_text,
            structlog.dev.ConsoleRenderer(
                colors=False, exception_formatter=structlog.dev.plain_traceback
            ),
        ]
    options = {
        "foreign_pre_chain": [*shared, structlog.stdlib.ExtraAdder(), _drop_formatter_leftovers],
        "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta, *final],
    }
    formatter = (
        _JSONFormatter(shared, **options)
        if log_format == "json"
        else structlog.stdlib.ProcessorFormatter(**options)
    )
    # No line shows where it was logged from (pathname, lineno, funcName): not our JSON or
    # console lines, nor gunicorn's or huey_consumer's formats (test_log_line_equivalence.py
    # renders them all). So skip the caller lookup every record paid for: the logging HOWTO's
    # "Optimization" knob. It covers stdlib's findCaller and structlog's LoggerFactory's, both
    # called only `if logging._srcfile`. (A stdlib call with stack_info=True then gets no stack;
    # nothing here makes one: structlog's stack_info= is an event key, not that argument.)
    logging._srcfile = None
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
