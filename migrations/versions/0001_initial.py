"""Initial schema: jobs with history, the client directory and the claim ledger.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "email_jobs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer()),
        sa.Column("message_id", sa.Text()),
        sa.Column("from_email", sa.String(320), nullable=False),
        sa.Column("from_name", sa.String(255)),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("received_at", UTC_TS, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20)),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("cycle_attempts", sa.Integer(), nullable=False),
        sa.Column("manual_retries", sa.Integer(), nullable=False),
        sa.Column("queued_at", UTC_TS),
        sa.Column("started_at", UTC_TS),
        sa.Column("completed_at", UTC_TS),
        sa.Column("next_attempt_at", UTC_TS),
        sa.Column("lease_expires_at", UTC_TS),
        sa.Column("last_error", sa.JSON()),
        sa.Column("failure_notified_at", UTC_TS),
        sa.Column("updated_at", UTC_TS, nullable=False),
        sa.Column("cleaned_body", sa.Text()),
        sa.Column("extraction", sa.JSON()),
        sa.Column("match", sa.JSON()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_email_jobs"),
        sa.UniqueConstraint("external_id", name="uq_email_jobs_external_id"),
    )
    op.create_index("ix_email_jobs_status_received_at", "email_jobs", ["status", "received_at"])
    op.create_index(
        "ix_email_jobs_status_next_attempt_at", "email_jobs", ["status", "next_attempt_at"]
    )
    op.create_index(
        "ix_email_jobs_status_lease_expires_at", "email_jobs", ["status", "lease_expires_at"]
    )
    op.create_index("ix_email_jobs_received_at_id", "email_jobs", ["received_at", "id"])

    op.create_table(
        "job_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TS, nullable=False),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("result", sa.String(200), nullable=False),
        sa.Column("error", sa.JSON()),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["email_jobs.id"],
            name="fk_job_history_job_id_email_jobs",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_job_history"),
    )
    op.create_index("ix_job_history_job_id", "job_history", ["job_id"])

    op.create_table(
        "clients",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("reference", sa.String(100)),
        sa.Column("reference_norm", sa.String(100)),
        sa.Column("birth_date", sa.String(10)),
        sa.Column("updated_at", UTC_TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clients"),
    )
    op.create_index("ix_clients_reference_norm", "clients", ["reference_norm"])

    op.create_table(
        "creditors",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("reference", sa.String(100)),
        sa.Column("reference_norm", sa.String(100)),
        sa.Column("email", sa.String(320)),
        sa.Column("claim_amount", sa.Numeric(12, 2)),
        sa.Column("currency", sa.String(3)),
        sa.Column("claim_updated_at", UTC_TS),
        sa.Column("updated_at", UTC_TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name="fk_creditors_client_id_clients", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_creditors"),
    )
    op.create_index("ix_creditors_client_id", "creditors", ["client_id"])
    op.create_index("ix_creditors_reference_norm", "creditors", ["reference_norm"])

    op.create_table(
        "claim_updates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("creditor_id", sa.String(64), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Column("mirrored_at", UTC_TS),
        sa.ForeignKeyConstraint(
            ["job_id"], ["email_jobs.id"], name="fk_claim_updates_job_id_email_jobs"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_claim_updates"),
        sa.UniqueConstraint("idempotency_key", name="uq_claim_updates_idempotency_key"),
    )
    op.create_index("ix_claim_updates_job_id", "claim_updates", ["job_id"])
    op.create_index("ix_claim_updates_mirrored_at", "claim_updates", ["mirrored_at"])
    op.create_index(
        "ix_claim_updates_creditor_id_created_at", "claim_updates", ["creditor_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_table("claim_updates")
    op.drop_table("creditors")
    op.drop_table("clients")
    op.drop_table("job_history")
    op.drop_table("email_jobs")
