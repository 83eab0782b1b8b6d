"""The production JSON formatter's direct path writes byte for byte the line structlog's
ProcessorFormatter writes with the chain of configure_logging (`_redact` + JSONRenderer), for
any record: stdlib lines with any `extra=`, structlog lines, any bound context, nested values,
sensitive key names and configured secrets anywhere; and no configured secret is ever printed.
Also: skipping the caller lookup (logging._srcfile = None) changes no line of any format the
web and worker processes write (ours, gunicorn's, huey_consumer's)."""

from __future__ import annotations

import contextlib
import logging
import re
import sys

import structlog
from gunicorn.glogging import CONFIG_DEFAULTS
from gunicorn.glogging import Logger as GunicornLogger
from huey.consumer_options import ConsumerConfig
from hypothesis import given, settings
from hypothesis import strategies as st

from entrypoints import logging_config
from entrypoints.logging_config import REDACTED, _clean, _clean_event, configure_logging

SECRETS = ("s3cr3t-value", "zd-token-abcdefghijkl", "whsec-0123456789")
_TIMESTAMP = re.compile(r'"timestamp": "[0-9T:.+-]+Z"')

# Keys: ordinary ones, ones naming secrets or bodies (redacted), and the record's own
# attribute names that the formatters treat specially.
keys = st.one_of(
    st.sampled_from(
        [
            "job_id",
            "ticket_id",
            "status",
            "Body_HTML",
            "smtp_password",
            "x-api-key",
            "Authorization",
            "token_count",
            "note",
            "message",
            "asctime",
            "details",
        ]
    ),
    st.text(min_size=1, max_size=12),
)
texts = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda before, secret, after: before + secret + after,
        st.text(max_size=8),
        st.sampled_from(SECRETS + (SECRETS[0] + SECRETS[1],)),
        st.text(max_size=8),
    ),
)
scalars = st.one_of(
    texts,
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
)


def nested(max_leaves: int):
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.lists(children, max_size=3).map(tuple),
            st.dictionaries(keys, children, max_size=3),
        ),
        max_leaves=max_leaves,
    )


values = nested(12)
extras = st.dictionaries(keys, values, max_size=6).map(
    lambda extra: {k: v for k, v in extra.items() if k not in logging_config._STANDARD_RECORD_KEYS}
)
contexts = st.dictionaries(st.sampled_from(["request_id", "job_id", "task", "token"]), texts)


@contextlib.contextmanager
def captured(name: str):
    """The records logger `name` emits inside the block (a handler of its own, removed after)."""
    records: list[logging.LogRecord] = []
    capture = logging.Handler()
    capture.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger(name)
    logger.addHandler(capture)
    try:
        yield records
    finally:
        logger.removeHandler(capture)


@contextlib.contextmanager
def configured(log_format: str = "json"):
    root = logging.getLogger()
    handlers, level, srcfile = root.handlers, root.level, logging._srcfile
    configure_logging(log_format, "INFO", SECRETS)
    try:
        yield logging.getLogger().handlers[0].formatter
    finally:
        root.handlers, root.level, logging._srcfile = handlers, level, srcfile
        structlog.contextvars.clear_contextvars()


def depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, (list, tuple)):
        return 1 + max(map(depth, value), default=0)
    return 0


def assert_no_secret(line: str, printed: dict) -> None:
    # Containers deeper than _MAX_DEPTH are printed as they are (by design, before too).
    if depth(printed) < logging_config._MAX_DEPTH:
        for secret in SECRETS:
            assert secret not in line


def reference(formatter, record: logging.LogRecord) -> str:
    """The line ProcessorFormatter itself writes: configure_logging's chain, processor by
    processor, with structlog's JSONRenderer."""
    return structlog.stdlib.ProcessorFormatter.format(formatter, record)


def assert_same_line(formatter, record: logging.LogRecord) -> str:
    direct, chained = formatter.format(record), reference(formatter, record)
    assert _TIMESTAMP.sub("T", direct) == _TIMESTAMP.sub("T", chained)
    return direct


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["application.process_email", "huey", "sqlalchemy.engine", "x"]),
    message=texts,
    args=st.lists(scalars, max_size=2),
    extra=extras,
    context=contexts,
    formatted_before=st.booleans(),
)
def test_a_stdlib_line_is_byte_identical_to_processor_formatters(
    name, message, args, extra, context, formatted_before
):
    with configured() as formatter:
        structlog.contextvars.bind_contextvars(**context)
        msg = message.replace("%", "%%") + " %r" * len(args)
        record = logging.getLogger(name).makeRecord(
            name, logging.INFO, "f.py", 1, msg, tuple(args), None
        )
        record.__dict__.update(extra)  # as extra= does, and "message"/"asctime" too
        if formatted_before:  # by another handler (huey_consumer adds one)
            record.message, record.asctime = record.getMessage(), "2026-01-01 00:00:00,000"
        line = assert_same_line(formatter, record)
        assert_no_secret(line, {**context, **extra, "args": args})


@settings(max_examples=300, deadline=None)
@given(event=texts, fields=extras, context=contexts, method=st.sampled_from(["info", "warning"]))
def test_a_structlog_line_is_byte_identical_to_processor_formatters(event, fields, context, method):
    with configured() as formatter:
        structlog.contextvars.bind_contextvars(**context)
        with captured("entrypoints.http.webhook") as records:
            logger = structlog.get_logger("entrypoints.http.webhook")
            getattr(logger, method)(event, **{k: v for k, v in fields.items() if k != "event"})
        (record,) = records
        line = assert_same_line(formatter, record)
        assert_no_secret(line, {**context, **fields})


@settings(max_examples=500, deadline=None)
@given(event=st.dictionaries(st.one_of(keys, st.integers()), nested(30), max_size=8))
def test_the_fast_clean_is_the_full_clean_on_any_value(event):
    with configured():
        expected = {
            k: v for k, v in _clean(event).items() if k not in ("_record", "_from_structlog")
        }
        cleaned = _clean_event(event)
        assert list(cleaned.items()) == list(expected.items())  # same keys, order, values
        assert repr(cleaned) == repr(expected)  # same types too (tuple -> list, str kept)


def test_the_fast_clean_drops_processor_keys_and_redacts_at_the_top():
    with configured():
        event = {"_record": 1, "event": "e whsec-0123456789", "api_key": "k", "_from_structlog": 1}
        assert _clean_event(event) == {"event": f"e {REDACTED}", "api_key": REDACTED}


# -- the caller lookup -------------------------------------------------------------------


def _with_caller(record: logging.LogRecord) -> logging.LogRecord:
    """The same record as the caller lookup would have made it."""
    other = logging.makeLogRecord(dict(record.__dict__))
    other.pathname, other.lineno, other.funcName = "/srv/app/application/job.py", 123, "run"
    other.filename, other.module = "job.py", "job"
    return other


def _every_formatter() -> list[logging.Formatter]:
    """Each format a web or worker process writes lines with, besides configure_logging's."""
    formatters = [
        logging.Formatter(GunicornLogger.error_fmt, GunicornLogger.datefmt),
        logging.Formatter(GunicornLogger.access_fmt),
        logging.Formatter(GunicornLogger.syslog_fmt),
    ]
    formatters += [
        logging.Formatter(options.get("format"), options.get("datefmt"))
        for options in CONFIG_DEFAULTS["formatters"].values()
    ]
    for worker_type in ("thread", "process"):
        for simple_log in (False, True):
            logger = logging.Logger("huey-format-probe")
            ConsumerConfig(worker_type=worker_type, simple_log=simple_log).setup_logger(logger)
            formatters.append(logger.handlers[0].formatter)
    return formatters


def test_a_configured_process_skips_the_caller_lookup():
    with configured(), captured("application.probe") as records:
        logging.getLogger("application.probe").warning("probe")
        structlog.get_logger("application.probe").warning("probe")
    assert [(r.funcName, r.lineno) for r in records] == [("(unknown function)", 0)] * 2


def test_no_format_of_web_or_worker_shows_where_a_line_was_logged_from():
    try:
        raise ValueError("bad 's3cr3t-value'")
    except ValueError:
        exc_info = sys.exc_info()
    plain = logging.makeLogRecord(
        {
            "name": "application.job",
            "msg": "job %s failed",
            "args": ("j-1",),
            "levelno": logging.WARNING,
            "levelname": "WARNING",
            "pathname": "(unknown file)",
            "filename": "(unknown file)",
            "module": "(unknown file)",
            "lineno": 0,
            "funcName": "(unknown function)",
            "job_id": "j-1",
        }
    )
    failed = logging.makeLogRecord({**plain.__dict__, "exc_info": exc_info})
    for log_format in ("json", "console"):
        with configured(log_format) as formatter:
            for record in (plain, failed):
                lines = {
                    _TIMESTAMP.sub("T", re.sub(r"^\S+Z ", "T ", formatter.format(r)))
                    for r in (logging.makeLogRecord(dict(record.__dict__)), _with_caller(record))
                }
                assert len(lines) == 1, lines
    for formatter in _every_formatter():
        for record in (plain, failed):
            assert len({formatter.format(r) for r in (record, _with_caller(record))}) == 1
