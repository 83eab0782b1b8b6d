"""Column types of the tables in orm.py: aware UTC datetimes, money in cents, enums as strings
and the domain value objects as JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, Numeric, String
from sqlalchemy.types import TypeDecorator

from domain.errors import ErrorInfo
from domain.extraction import Extraction, Match
from domain.review import ReviewAction, ReviewStatus
from domain.values import Attachment, AttachmentText, JobSource, JobStatus, Outcome

CENT = Decimal("0.01")
# Zendesk comment ids are far beyond 2**31: BIGINT on PostgreSQL (migration 0004). SQLite's
# INTEGER already holds 64 bits, and rebuilding email_jobs there would fight its foreign keys.
ZENDESK_ID = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator):
    """Aware UTC in and out, on SQLite (which drops tzinfo) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Money(TypeDecorator):
    """An exact amount with two decimals: NUMERIC(12, 2) on PostgreSQL; integer minor units
    (cents) on SQLite, whose NUMERIC affinity would store a binary float."""

    impl = Numeric(12, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(12, 2, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect) -> Decimal | int | None:
        if value is None:
            return None
        if not isinstance(value, (Decimal, int)) or isinstance(value, bool):
            raise TypeError(f"amounts are Decimal, never {type(value).__name__}")
        cents = Decimal(value).quantize(CENT)
        if cents != value:
            raise ValueError("amount has more than two decimals")
        return int(cents.scaleb(2)) if dialect.name == "sqlite" else cents

    def process_result_value(self, value, dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-2).quantize(CENT)
        return Decimal(value).quantize(CENT)


class _EnumString(TypeDecorator):
    impl = String(20)
    cache_ok = True
    enum_class: type = JobStatus

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_class(value)


class StatusType(_EnumString):
    cache_ok = True
    enum_class = JobStatus


class OutcomeType(_EnumString):
    cache_ok = True
    enum_class = Outcome


class ReviewStatusType(_EnumString):
    cache_ok = True
    enum_class = ReviewStatus


class ReviewActionType(_EnumString):
    cache_ok = True
    enum_class = ReviewAction


class SourceType(_EnumString):
    cache_ok = True
    enum_class = JobSource


class _ValueJSON(TypeDecorator):
    """A value object stored as JSON through its to_dict/from_dict."""

    impl = JSON
    cache_ok = True

    def to_json(self, value: Any) -> Any:
        return value.to_dict()

    def from_json(self, data: Any) -> Any:
        raise NotImplementedError

    def process_bind_param(self, value, dialect):
        return None if value is None else self.to_json(value)

    def process_result_value(self, value, dialect):
        return None if value is None else self.from_json(value)


class ErrorJSON(_ValueJSON):
    cache_ok = True

    def from_json(self, data):
        return ErrorInfo.from_dict(data)


class ExtractionJSON(_ValueJSON):
    cache_ok = True

    def from_json(self, data):
        return Extraction.from_dict(data)


class MatchJSON(_ValueJSON):
    cache_ok = True

    def from_json(self, data):
        return Match.from_dict(data)


class AttachmentsJSON(_ValueJSON):
    cache_ok = True

    def to_json(self, value):
        return [a.to_dict() for a in value]

    def from_json(self, data):
        return [Attachment.from_dict(a) for a in data]


class AttachmentTextsJSON(_ValueJSON):
    cache_ok = True

    def to_json(self, value):
        return [a.to_dict() for a in value]

    def from_json(self, data):
        return [AttachmentText.from_dict(a) for a in data]
