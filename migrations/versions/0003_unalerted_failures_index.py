"""A partial index serving the sweep's search for failed jobs whose alert was never recorded.

Revision ID: 0003_unalerted_failures_index
Revises: 0002_reconciliation_reports
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_unalerted_failures_index"
down_revision: str | None = "0002_reconciliation_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONDITION = sa.text("status = 'failed' AND failure_notified_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_email_jobs_unalerted_failures",
        "email_jobs",
        ["updated_at"],
        postgresql_where=CONDITION,
        sqlite_where=CONDITION,
    )


def downgrade() -> None:
    op.drop_index("ix_email_jobs_unalerted_failures", table_name="email_jobs")
