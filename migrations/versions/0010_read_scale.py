"""Read side at scale: the outcome gauge in job_counters (the dashboard's counts without a
GROUP BY), small partial indexes for the metrics' and dashboard's reads, an index on
ticket_id, and (PostgreSQL with pg_trgm only) a trigram GIN index for the console's search.

Revision ID: 0010_read_scale
Revises: 0007_status_counts
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_read_scale"
down_revision: str | None = "0007_status_counts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTIAL = (
    ("ix_email_jobs_queued_fresh", "queued_at", "status = 'queued' AND next_attempt_at IS NULL"),
    ("ix_email_jobs_processing_started_at", "started_at", "status = 'processing'"),
    ("ix_email_jobs_failed_updated_at", "updated_at", "status = 'failed'"),
)
TEXT_SEARCH_INDEX = "ix_email_jobs_text_search_trgm"
TEXT_SEARCH = (
    f"CREATE INDEX {TEXT_SEARCH_INDEX} ON email_jobs USING gin ("
    "from_email gin_trgm_ops, subject gin_trgm_ops, "
    "(CAST(extraction AS TEXT)) gin_trgm_ops, (CAST(last_error AS TEXT)) gin_trgm_ops)"
)


def _pg_trgm_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    found = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).scalar()
    return found is not None


def upgrade() -> None:
    # The outcome gauge starts from the jobs already stored (outcome_gauge.py).
    op.execute(
        "INSERT INTO job_counters (name, label, shard, count, total) "
        "SELECT 'completed_jobs', outcome, 0, count(*), 0 FROM email_jobs "
        "WHERE status = 'completed' AND outcome IS NOT NULL GROUP BY outcome"
    )
    for name, column, where in PARTIAL:
        condition = sa.text(where)
        op.create_index(
            name, "email_jobs", [column], postgresql_where=condition, sqlite_where=condition
        )
    op.create_index("ix_email_jobs_ticket_id", "email_jobs", ["ticket_id"])
    if _pg_trgm_available():
        # Needs the right to create the extension (the database owner on PostgreSQL >= 13,
        # pg_trgm being a trusted extension); without pg_trgm the search stays a scan.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(TEXT_SEARCH)


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {TEXT_SEARCH_INDEX}")
    op.drop_index("ix_email_jobs_ticket_id", table_name="email_jobs")
    for name, _column, _where in reversed(PARTIAL):
        op.drop_index(name, table_name="email_jobs")
    op.execute("DELETE FROM job_counters WHERE name = 'completed_jobs'")
