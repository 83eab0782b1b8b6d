"""Hardening: BIGINT Zendesk ids, exact money on SQLite, the intake quarantine table.

- email_jobs.ticket_id / comment_id become BIGINT on PostgreSQL: Zendesk comment ids are far
  beyond 2**31 (int4 rejected them with a 500). SQLite's INTEGER is 64-bit already.
- Claim amounts on SQLite become integer minor units (cents): SQLite's NUMERIC affinity
  stored them as binary floats. PostgreSQL keeps NUMERIC(12, 2) (already exact).
- intake_quarantine keeps signed deliveries that hit an unexpected error at intake.

Revision ID: 0004_hardening
Revises: 0003_unalerted_failures_index
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_hardening"
down_revision: str | None = "0003_unalerted_failures_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TS = sa.DateTime(timezone=True)
MONEY_COLUMNS = (("claim_updates", "amount", False), ("creditors", "claim_amount", True))


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if not _is_sqlite():
        # SQLite's INTEGER is 64-bit already (and rebuilding email_jobs would cascade-delete
        # its history through the foreign keys), so only PostgreSQL changes type.
        op.alter_column("email_jobs", "ticket_id", type_=sa.BigInteger(), existing_nullable=False)
        op.alter_column("email_jobs", "comment_id", type_=sa.BigInteger(), existing_nullable=True)
    else:
        for table, column, nullable in MONEY_COLUMNS:
            # Round the stored float to whole cents first; the type change then copies integers.
            op.execute(
                f"UPDATE {table} SET {column} = CAST(ROUND({column} * 100) AS INTEGER)"
                f" WHERE {column} IS NOT NULL"
            )
            with op.batch_alter_table(table) as batch:
                batch.alter_column(
                    column,
                    type_=sa.BigInteger(),
                    existing_type=sa.Numeric(12, 2),
                    existing_nullable=nullable,
                )

    op.create_table(
        "intake_quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("received_at", UTC_TS, nullable=False),
        sa.Column("raw_body", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.String(255)),
        sa.Column("error_type", sa.String(100), nullable=False),
        sa.Column("error_message", sa.String(300), nullable=False),
        sa.Column("replayed_at", UTC_TS),
        sa.Column("replay_result", sa.String(40)),
        sa.Column("job_id", sa.String(36)),
        sa.PrimaryKeyConstraint("id", name="pk_intake_quarantine"),
    )
    op.create_index("ix_intake_quarantine_replayed_at", "intake_quarantine", ["replayed_at"])


def downgrade() -> None:
    op.drop_index("ix_intake_quarantine_replayed_at", table_name="intake_quarantine")
    op.drop_table("intake_quarantine")

    if _is_sqlite():
        for table, column, nullable in MONEY_COLUMNS:
            with op.batch_alter_table(table) as batch:
                batch.alter_column(
                    column,
                    type_=sa.Numeric(12, 2),
                    existing_type=sa.BigInteger(),
                    existing_nullable=nullable,
                )
            op.execute(f"UPDATE {table} SET {column} = {column} / 100.0 WHERE {column} IS NOT NULL")
        return
    # Ids beyond int4 cannot go back: refuse rather than truncate or fail half-way.
    too_big = op.get_bind().scalar(
        sa.text(
            "SELECT COUNT(*) FROM email_jobs"
            " WHERE ticket_id > 2147483647 OR comment_id > 2147483647"
        )
    )
    if too_big:
        raise RuntimeError(
            f"{too_big} job(s) carry Zendesk ids beyond 2**31-1; downgrading to INTEGER would "
            "lose them. Delete or archive those jobs first."
        )
    op.alter_column("email_jobs", "ticket_id", type_=sa.Integer(), existing_nullable=False)
    op.alter_column("email_jobs", "comment_id", type_=sa.Integer(), existing_nullable=True)
