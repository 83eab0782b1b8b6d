"""Tables of the web console (SPEC §9): action audit, failed logins, maintenance runs, presence.

Defined on the shared metadata of orm.py, which imports this module so every table is known.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table

from adapters.sqlalchemy.orm import metadata
from adapters.sqlalchemy.types import UTCDateTime

# Every operator action taken in the console: who, when, what, on which job or filter.
console_actions = Table(
    "console_actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(40), nullable=False),
    Column("target", String(255)),
    Column("details", JSON, nullable=False),
    Index("ix_console_actions_at", "at"),
)

# Recent failed logins per key ("user:<name>" or "addr:<ip>"); shared by every web process.
login_failures = Table(
    "login_failures",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("last_failure_at", UTCDateTime, nullable=False),
)

# The last run of a periodic maintenance task (e.g. the recovery sweep), one row per task.
maintenance_runs = Table(
    "maintenance_runs",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("last_run_at", UTCDateTime, nullable=False),
    Column("details", JSON, nullable=False),
)

# Who has a review screen open (the last time each reviewer loaded it), so others see who.
review_presence = Table(
    "review_presence",
    metadata,
    Column("job_id", String(36), primary_key=True),
    Column("username", String(64), primary_key=True),
    Column("seen_at", UTCDateTime, nullable=False),
)
