"""Web console (SPEC §9): audit of console actions, failed-login counters, maintenance runs
(time of the last recovery sweep), who has a review open, and an index for the dashboard's
"completed per hour".

Revision ID: 0009_console
Revises: 0005_review
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_console"
down_revision: str | None = "0005_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(255), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_console_actions"),
    )
    op.create_index("ix_console_actions_at", "console_actions", ["at"])
    op.create_table(
        "login_failures",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_login_failures"),
    )
    op.create_table(
        "maintenance_runs",
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_maintenance_runs"),
    )
    op.create_table(
        "review_presence",
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "username", name="pk_review_presence"),
    )
    with op.batch_alter_table("email_jobs") as batch:
        batch.create_index("ix_email_jobs_completed_at", ["completed_at"])


def downgrade() -> None:
    with op.batch_alter_table("email_jobs") as batch:
        batch.drop_index("ix_email_jobs_completed_at")
    op.drop_table("review_presence")
    op.drop_table("maintenance_runs")
    op.drop_table("login_failures")
    op.drop_index("ix_console_actions_at", table_name="console_actions")
    op.drop_table("console_actions")
