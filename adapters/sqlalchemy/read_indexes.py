"""Indexes for the read side at scale (migration 0010): each small, so the dashboard's and the
metrics' reads cost the same at 1M jobs as at 1 000, and free-text search is not a scan.

Defined on the shared metadata of orm.py, which imports this module. The trigram index of the
free-text search exists on PostgreSQL only (pg_trgm); SQLite keeps the scan.
"""

from __future__ import annotations

from sqlalchemy import Index, text

from adapters.sqlalchemy.orm import email_jobs

# Created by migration 0010 on PostgreSQL only, so not part of the metadata (the drift check
# knows it by this name). One GIN index over the four columns `q` searches with ILIKE; a
# multicolumn GIN serves a condition on any of them, so the OR becomes a BitmapOr.
TEXT_SEARCH_INDEX = "ix_email_jobs_text_search_trgm"
TEXT_SEARCH_COLUMNS = (
    "from_email gin_trgm_ops",
    "subject gin_trgm_ops",
    "(CAST(extraction AS TEXT)) gin_trgm_ops",
    "(CAST(last_error AS TEXT)) gin_trgm_ops",
)


def _partial(name: str, column: str, where: str) -> Index:
    condition = text(where)
    return Index(name, email_jobs.c[column], postgresql_where=condition, sqlite_where=condition)


# The metrics' oldest queued job that is not waiting for a retry (a long backlog of retries
# made the (status, queued_at) index walk every one of them first).
_partial("ix_email_jobs_queued_fresh", "queued_at", "status = 'queued' AND next_attempt_at IS NULL")
# The metrics' oldest processing job.
_partial("ix_email_jobs_processing_started_at", "started_at", "status = 'processing'")
# The dashboard's failures of the last 24 h.
_partial("ix_email_jobs_failed_updated_at", "updated_at", "status = 'failed'")
# The search's exact ticket number (one arm of its OR: without it the OR cannot use indexes).
Index("ix_email_jobs_ticket_id", email_jobs.c.ticket_id)
