"""The production JSON formatter's direct path writes exactly the line structlog's
ProcessorFormatter writes with the same chain (entrypoints/logging_config.py)."""

from __future__ import annotations

import json
import logging
import sys

import pytest
import structlog

from entrypoints.logging_config import configure_logging


@pytest.fixture
def formatter():
    root = logging.getLogger()
    handlers, level = root.handlers, root.level
    configure_logging("json", "INFO", ["s3cr3t-value"])
    try:
        yield logging.getLogger().handlers[0].formatter
    finally:
        root.handlers, root.level = handlers, level
        structlog.contextvars.clear_contextvars()


def record(name: str, msg, *args, **extra) -> logging.LogRecord:
    made = logging.getLogger(name).makeRecord(name, logging.INFO, "f.py", 1, msg, args, None)
    made.__dict__.update(extra)
    return made


def without_time(line: str) -> dict:
    data = json.loads(line)
    assert data.pop("timestamp").endswith("Z")
    return data


def both_ways(formatter, made: logging.LogRecord) -> tuple[str, str]:
    direct = formatter.format(made)
    chained = structlog.stdlib.ProcessorFormatter.format(formatter, made)
    return direct, chained


def test_a_stdlib_line_with_extras_and_bound_context_is_the_same_line(formatter):
    structlog.contextvars.bind_contextvars(job_id="j-1", task="process_email")
    made = record("application.process_email", "job_claimed", job_id="j-1", attempt=2)
    direct, chained = both_ways(formatter, made)
    assert list(json.loads(direct)) == list(json.loads(chained)), "same keys, same order"
    assert without_time(direct) == without_time(chained)
    assert without_time(direct)["job_id"] == "j-1"


def test_secrets_and_sensitive_keys_are_redacted_on_the_direct_path_too(formatter):
    made = record(
        "x",
        "attempt failed with %s",
        "token s3cr3t-value",
        body_html="<p>private</p>",
        details={"api_key": "k", "note": "s3cr3t-value here"},
    )
    direct, chained = both_ways(formatter, made)
    assert without_time(direct) == without_time(chained)
    assert "s3cr3t-value" not in direct and "private" not in direct and '"k"' not in direct


def test_a_structlog_line_and_a_line_formatted_before_are_the_same_line(formatter):
    logger = logging.getLogger("adapters.huey.memory")
    wrapped = {"event": "worker_memory", "rss_mb": 80.5, "level": "info", "timestamp": "t"}
    made = record(
        "adapters.huey.memory", wrapped, _logger=logger, _name="info", _from_structlog=True
    )
    direct, chained = both_ways(formatter, made)
    assert json.loads(direct) == json.loads(chained)
    huey_line = record("huey", "Executing %s", "task", message="Executing task", asctime="now")
    direct, chained = both_ways(formatter, huey_line)
    assert without_time(direct) == without_time(chained)
    assert "asctime" not in direct and "message" not in json.loads(direct)


def test_a_line_with_an_exception_takes_the_full_chain(formatter):
    try:
        raise ValueError("bad value 's3cr3t-value'")
    except ValueError:
        made = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, "f.py", 1, "boom", (), sys.exc_info()
        )
    line = json.loads(formatter.format(made))
    assert line["exception"][0]["exc_type"] == "ValueError"
    assert "s3cr3t-value" not in json.dumps(line)
