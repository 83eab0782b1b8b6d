"""Zendesk API (SPEC §10): job source, the second dedup key, attachment texts, write-back,
the poller's cursor. (64-bit ticket and comment ids came with 0004_hardening.)

Revision ID: 0006_zendesk
Revises: 0009_console
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_zendesk"
down_revision: str | None = "0009_console"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild on SQLite, no rewrite on PostgreSQL).
    op.add_column("email_jobs", sa.Column("zendesk_key", sa.String(64)))
    op.add_column(
        "email_jobs",
        sa.Column("source", sa.String(20), nullable=False, server_default="webhook"),
    )
    op.add_column("email_jobs", sa.Column("attachment_texts", sa.JSON()))
    op.add_column("email_jobs", sa.Column("written_back_at", sa.DateTime(timezone=True)))
    # Existing jobs keyed by their comment get the key too, so a late poll finds them. Before
    # this revision two deliveries of one comment with different message ids made two jobs:
    # only the first of such a pair gets the key (the unique index below must hold).
    op.execute(
        "UPDATE email_jobs SET zendesk_key = 'zendesk:' || ticket_id || ':' || comment_id "
        "WHERE comment_id IS NOT NULL AND id IN ("
        "  SELECT MIN(id) FROM email_jobs WHERE comment_id IS NOT NULL"
        "  GROUP BY ticket_id, comment_id)"
    )
    op.create_index("ix_email_jobs_zendesk_key", "email_jobs", ["zendesk_key"], unique=True)
    op.create_table(
        "zendesk_cursors",
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("cursor", sa.Text()),
        sa.Column("start_time", sa.BigInteger()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_zendesk_cursors"),
    )


def downgrade() -> None:
    op.drop_table("zendesk_cursors")
    op.drop_index("ix_email_jobs_zendesk_key", table_name="email_jobs")
    with op.batch_alter_table("email_jobs") as batch:
        batch.drop_column("written_back_at")
        batch.drop_column("attachment_texts")
        batch.drop_column("source")
        batch.drop_column("zendesk_key")
