"""Tables of users, API tokens, review decisions and learned directory aliases (SPEC §8).

Defined on the shared metadata of orm.py, which imports this module so every table is known.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from adapters.sqlalchemy.orm import metadata
from adapters.sqlalchemy.types import ReviewActionType, UTCDateTime

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("created_at", UTCDateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
    Index("ix_api_tokens_user_id", "user_id"),
)

# The audit trail of review decisions; (job_id, seq) unique, so two reviewers who both got
# past the version check still cannot both record decision number N.
review_decisions = Table(
    "review_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String(36), ForeignKey("email_jobs.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("action", ReviewActionType, nullable=False),
    Column("decided_by", String(64), nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    Column("before", JSON, nullable=False),
    Column("after", JSON, nullable=False),
    Column("note", Text),
    UniqueConstraint("job_id", "seq", name="uq_review_decisions_job_id_seq"),
)

# Sender addresses and references a reviewer taught the directory ("remember"), audited.
creditor_aliases = Table(
    "creditor_aliases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "creditor_id", String(64), ForeignKey("creditors.id", ondelete="CASCADE"), nullable=False
    ),
    Column("kind", String(10), nullable=False),
    Column("value", String(320), nullable=False),
    Column("value_norm", String(320), nullable=False),
    Column("job_id", String(36)),
    Column("learned_by", String(64), nullable=False),
    Column("learned_at", UTCDateTime, nullable=False),
    UniqueConstraint(
        "creditor_id", "kind", "value_norm", name="uq_creditor_aliases_creditor_id_kind_value"
    ),
    Index("ix_creditor_aliases_kind_value_norm", "kind", "value_norm"),
)
