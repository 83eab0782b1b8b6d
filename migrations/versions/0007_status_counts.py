"""Job counters kept with every transition (O(1) status counts, metrics), and the indexes the
metrics' oldest-age reads use.

Revision ID: 0007_status_counts
Revises: 0006_zendesk
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_status_counts"
down_revision: str | None = "0006_zendesk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An open review: the review queue's column where it exists (migration 0005), else SPEC §8.
REVIEW = sa.text("status = 'completed' AND outcome = 'needs_review'")
REVIEW_STATUS = sa.text("review_status = 'open'")


def _has_review_status() -> bool:
    columns = sa.inspect(op.get_bind()).get_columns("email_jobs")
    return any(column["name"] == "review_status" for column in columns)


def upgrade() -> None:
    op.create_table(
        "job_counters",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", "label", "shard", name="pk_job_counters"),
    )
    # The gauges start from the jobs already stored (the totals and histograms start at 0).
    op.execute(
        "INSERT INTO job_counters (name, label, shard, count, total) "
        "SELECT 'jobs', status, 0, count(*), 0 FROM email_jobs GROUP BY status"
    )
    open_review = REVIEW_STATUS if _has_review_status() else REVIEW
    op.execute(
        "INSERT INTO job_counters (name, label, shard, count, total) "
        f"SELECT 'reviews_open', '', 0, count(*), 0 FROM email_jobs WHERE {open_review.text}"
    )
    op.create_index("ix_email_jobs_status_queued_at", "email_jobs", ["status", "queued_at"])
    if not _has_review_status():
        op.create_index(
            "ix_email_jobs_open_reviews",
            "email_jobs",
            ["received_at"],
            postgresql_where=REVIEW,
            sqlite_where=REVIEW,
        )


def downgrade() -> None:
    if not _has_review_status():
        op.drop_index("ix_email_jobs_open_reviews", table_name="email_jobs")
    op.drop_index("ix_email_jobs_status_queued_at", table_name="email_jobs")
    op.drop_table("job_counters")
