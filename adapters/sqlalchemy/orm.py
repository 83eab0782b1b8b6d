"""Tables and the imperative mapping of the pure domain classes (no ORM base class in domain/).

The job is mapped as StoredEmailJob, a subclass of the domain's EmailJob: what the use cases
build (`EmailJob(...)`, the intake's one a request) stays a plain object, without the ORM's
attribute instrumentation (its __init__ went through ~48 instrumented attribute sets and two
instrumented lists, ~40 µs of a delivery), while every job read from the database is a
StoredEmailJob, still an EmailJob to the domain and the use cases. A new job is written from
its plain attributes (new_jobs.py) and becomes a StoredEmailJob, the same object, only when a
session has to track it (new_jobs.as_stored). History entries likewise: the domain builds plain
HistoryEntry objects, a stored job's entries are StoredHistoryEntry (as_stored_entry).
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import warnings

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    event,
    inspect,
    text,
)
from sqlalchemy.exc import SADeprecationWarning
from sqlalchemy.orm import column_property, configure_mappers, registry, relationship

from adapters.sqlalchemy.types import (
    ZENDESK_ID,
    AttachmentsJSON,
    AttachmentTextsJSON,
    ErrorJSON,
    ExtractionJSON,
    MatchJSON,
    Money,
    OutcomeType,
    ReviewStatusType,
    SourceType,
    StatusType,
    UTCDateTime,
)
from domain.history import HistoryEntry
from domain.model import EmailJob
from domain.review import ReviewDecision

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
mapper_registry = registry(metadata=metadata)

email_jobs = Table(
    "email_jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("external_id", String(255), nullable=False, unique=True),
    Column("ticket_id", ZENDESK_ID, nullable=False),
    Column("comment_id", ZENDESK_ID),
    # The second dedup key `zendesk:<ticket>:<comment>` (unique index below; SPEC §10).
    Column("zendesk_key", String(64)),
    Column("source", SourceType, nullable=False, server_default="webhook"),
    Column("message_id", Text),
    Column("from_email", String(320), nullable=False),
    Column("from_name", String(255)),
    Column("subject", Text, nullable=False, default=""),
    Column("body_html", Text, nullable=False, default=""),
    Column("body_text", Text, nullable=False, default=""),
    Column("attachments", AttachmentsJSON, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("status", StatusType, nullable=False),
    Column("outcome", OutcomeType),
    Column("attempts", Integer, nullable=False, default=0),
    Column("cycle_attempts", Integer, nullable=False, default=0),
    Column("manual_retries", Integer, nullable=False, default=0),
    Column("queued_at", UTCDateTime),
    Column("started_at", UTCDateTime),
    Column("completed_at", UTCDateTime),
    Column("next_attempt_at", UTCDateTime),
    Column("lease_expires_at", UTCDateTime),
    Column("last_error", ErrorJSON),
    Column("failure_notified_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("cleaned_body", Text),
    Column("attachment_texts", AttachmentTextsJSON),
    Column("written_back_at", UTCDateTime),
    Column("extraction", ExtractionJSON),
    Column("match", MatchJSON),
    Column("version", Integer, nullable=False),
    # "open" while a needs_review job waits for a person, "resolved" after; else null.
    Column("review_status", ReviewStatusType),
    Index("ix_email_jobs_status_received_at", "status", "received_at"),
    Index("ix_email_jobs_status_next_attempt_at", "status", "next_attempt_at"),
    Index("ix_email_jobs_status_lease_expires_at", "status", "lease_expires_at"),
    Index("ix_email_jobs_received_at_id", "received_at", "id"),
    Index("ix_email_jobs_completed_at", "completed_at"),
    Index("ix_email_jobs_review_status_received_at", "review_status", "received_at"),
    Index("ix_email_jobs_zendesk_key", "zendesk_key", unique=True),
    # The sweep's alert check: failed jobs whose alert was never recorded (a handful at most).
    Index(
        "ix_email_jobs_unalerted_failures",
        "updated_at",
        postgresql_where=text("status = 'failed' AND failure_notified_at IS NULL"),
        sqlite_where=text("status = 'failed' AND failure_notified_at IS NULL"),
    ),
    # The metrics' oldest queued job (migration 0007).
    Index("ix_email_jobs_status_queued_at", "status", "queued_at"),
)
if "review_status" not in email_jobs.c:
    # The metrics' oldest open review, until the review queue brings its own index.
    Index(
        "ix_email_jobs_open_reviews",
        email_jobs.c.received_at,
        postgresql_where=text("status = 'completed' AND outcome = 'needs_review'"),
        sqlite_where=text("status = 'completed' AND outcome = 'needs_review'"),
    )

job_history = Table(
    "job_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String(36), ForeignKey("email_jobs.id", ondelete="CASCADE"), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("from_status", StatusType, nullable=False),
    Column("to_status", StatusType, nullable=False),
    Column("result", String(200), nullable=False),
    Column("error", ErrorJSON),
    Index("ix_job_history_job_id", "job_id"),
)

clients = Table(
    "clients",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("reference", String(100)),
    Column("reference_norm", String(100)),
    Column("birth_date", String(10)),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_clients_reference_norm", "reference_norm"),
)

creditors = Table(
    "creditors",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("client_id", String(64), ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("reference", String(100)),
    Column("reference_norm", String(100)),
    Column("email", String(320)),
    Column("claim_amount", Money),
    Column("currency", String(3)),
    Column("claim_updated_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_creditors_client_id", "client_id"),
    Index("ix_creditors_reference_norm", "reference_norm"),
)

claim_updates = Table(
    "claim_updates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String(36), ForeignKey("email_jobs.id"), nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("creditor_id", String(64), nullable=False),
    Column("amount", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("mirrored_at", UTCDateTime),
    # "auto" (the pipeline) or "review" (a person, named in decided_by); a correction points
    # at the row it replaces through `supersedes` (the ledger stays append-only).
    Column("source", String(10), nullable=False, server_default="auto"),
    Column("decided_by", String(64)),
    Column("supersedes", Integer, ForeignKey("claim_updates.id")),
    Index("ix_claim_updates_job_id", "job_id"),
    Index("ix_claim_updates_mirrored_at", "mirrored_at"),
    Index("ix_claim_updates_creditor_id_created_at", "creditor_id", "created_at"),
)

reconciliation_reports = Table(
    "reconciliation_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("lookback_hours", Numeric(8, 2), nullable=False),
    Column("checked", Integer, nullable=False),
    Column("mismatches", Integer, nullable=False),
    Column("repaired", Integer, nullable=False),
    Column("unmirrored", Integer, nullable=False),
    Column("errors", Integer, nullable=False),
    Index("ix_reconciliation_reports_started_at", "started_at"),
)

# Last-resort intake guard: a signed delivery that hit an unexpected error, kept verbatim so
# `flask intake quarantine replay` can bring it back once the cause is fixed.
intake_quarantine = Table(
    "intake_quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("received_at", UTCDateTime, nullable=False),
    Column("raw_body", LargeBinary, nullable=False),
    Column("content_type", String(255)),
    Column("error_type", String(100), nullable=False),
    Column("error_message", String(300), nullable=False),
    Column("replayed_at", UTCDateTime),
    Column("replay_result", String(40)),
    Column("job_id", String(36)),
    Index("ix_intake_quarantine_replayed_at", "replayed_at"),
)

# Users, tokens, review decisions and learned aliases live in their own module, same metadata.
from adapters.sqlalchemy import console_tables, read_indexes, review_tables  # noqa: E402,F401

# Where the backstop poller stopped reading Zendesk's incremental ticket export (one row per
# stream); written after each page so a restart resumes mid-stream.
zendesk_cursors = Table(
    "zendesk_cursors",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("cursor", Text),
    Column("start_time", BigInteger),
    Column("updated_at", UTCDateTime, nullable=False),
)


class StoredEmailJob(EmailJob):
    """An EmailJob the mapper knows (orm.py's docstring): loaded jobs are of this class."""


class StoredHistoryEntry(HistoryEntry):
    """A HistoryEntry the mapper knows: the entries of a StoredEmailJob."""

    def __eq__(self, other: object) -> bool:
        # The dataclass's own __eq__ compares entries of one class only: a stored entry equals
        # a plain one with the same values, as when HistoryEntry itself was mapped.
        if not isinstance(other, HistoryEntry):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in _ENTRY_FIELDS)

    __hash__ = None  # type: ignore[assignment]  # as the dataclass's (eq without frozen)


_ENTRY_FIELDS = dataclasses.fields(HistoryEntry)


@functools.cache
def job_column_keys() -> tuple[str, ...]:
    """StoredEmailJob's attributes stored in email_jobs' columns, in the table's order (the
    mappers started)."""
    mapper = inspect(StoredEmailJob)
    return tuple(mapper.get_property_by_column(column).key for column in email_jobs.c)


def as_stored_entry(entry: HistoryEntry) -> HistoryEntry:
    """`entry` itself as a (transient) StoredHistoryEntry, unchanged if it is mapped already.
    The domain appends plain entries to a job's history; in a stored job's instrumented list
    they are made stored ones as they are appended (_appended_entry), before the ORM's own
    append listeners (cascade, parent tracking) see them. The class has the same layout (no
    slots of its own), so the object keeps its identity and values."""
    if type(entry) is HistoryEntry:
        entry.__class__ = StoredHistoryEntry
        StoredHistoryEntry._sa_class_manager.setup_instance(entry)  # type: ignore[attr-defined]
    return entry


def _appended_entry(_job, entry, _initiator):
    return as_stored_entry(entry)


_lock = threading.Lock()
_started = False


def start_mappers() -> None:
    """Map the domain classes once per process (idempotent, thread-safe)."""
    global _started
    with _lock:
        if _started:
            return
        mapper_registry.map_imperatively(StoredHistoryEntry, job_history)
        mapper_registry.map_imperatively(ReviewDecision, review_tables.review_decisions)
        mapper_registry.map_imperatively(
            StoredEmailJob,
            email_jobs,
            version_id_col=email_jobs.c.version,
            properties={
                # The counting hook (counters.py) reads the values a flush replaces.
                "status": column_property(email_jobs.c.status, active_history=True),
                "outcome": column_property(email_jobs.c.outcome, active_history=True),
                "next_attempt_at": column_property(
                    email_jobs.c.next_attempt_at, active_history=True
                ),
                "history": relationship(
                    StoredHistoryEntry,
                    order_by=job_history.c.id,
                    cascade="all, delete-orphan",
                    # Appended, never read, by the worker: new entries are inserted without
                    # loading the stored ones. Views that show history load it explicitly.
                    lazy="noload",
                ),
                "decisions": relationship(
                    ReviewDecision,
                    order_by=review_tables.review_decisions.c.seq,
                    cascade="all, delete-orphan",
                    lazy="selectin",
                ),
            },
        )
        event.listen(StoredEmailJob, "load", _init_events)
        # Registered before configure_mappers adds the ORM's own (cascade): first, as they need a
        # mapped entry.
        event.listen(StoredEmailJob.history, "append", _appended_entry, retval=True)
        from adapters.sqlalchemy.counters import register_counting_hook
        from adapters.sqlalchemy.new_jobs import register_staging_hook

        register_counting_hook()
        register_staging_hook()
        with warnings.catch_warnings():
            # SQLAlchemy 2.1 deprecates `noload` (it gives None for a many-to-one; for our
            # collection it gives the empty list we want). When it is removed: lazy="write_only"
            # with the aggregate appending through `add()`.
            warnings.simplefilter("ignore", SADeprecationWarning)
            configure_mappers()
        _started = True


def _init_events(job: EmailJob, _context) -> None:
    # The domain __init__ does not run on load; events are per-instance, not persisted.
    job.events = []
