"""Review queue, users and roles (SPEC §8): users, API tokens, review decisions, learned
creditor aliases; email_jobs.review_status; claim_updates.source/decided_by/supersedes.

Revision ID: 0005_review
Revises: 0003_unalerted_failures_index
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_review"
down_revision: str | None = "0003_unalerted_failures_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["email_jobs.id"],
            name="fk_review_decisions_job_id_email_jobs",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_decisions"),
        sa.UniqueConstraint("job_id", "seq", name="uq_review_decisions_job_id_seq"),
    )
    op.create_table(
        "creditor_aliases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("creditor_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("value", sa.String(320), nullable=False),
        sa.Column("value_norm", sa.String(320), nullable=False),
        sa.Column("job_id", sa.String(36), nullable=True),
        sa.Column("learned_by", sa.String(64), nullable=False),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creditor_id"],
            ["creditors.id"],
            name="fk_creditor_aliases_creditor_id_creditors",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_creditor_aliases"),
        sa.UniqueConstraint(
            "creditor_id", "kind", "value_norm", name="uq_creditor_aliases_creditor_id_kind_value"
        ),
    )
    op.create_index(
        "ix_creditor_aliases_kind_value_norm", "creditor_aliases", ["kind", "value_norm"]
    )
    with op.batch_alter_table("email_jobs") as batch:
        batch.add_column(sa.Column("review_status", sa.String(20), nullable=True))
        batch.create_index(
            "ix_email_jobs_review_status_received_at", ["review_status", "received_at"]
        )
    # Jobs that completed as needs_review before this migration have an open review.
    op.execute(
        "UPDATE email_jobs SET review_status = 'open' "
        "WHERE status = 'completed' AND outcome = 'needs_review'"
    )
    with op.batch_alter_table("claim_updates") as batch:
        batch.add_column(sa.Column("source", sa.String(10), server_default="auto", nullable=False))
        batch.add_column(sa.Column("decided_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("supersedes", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_claim_updates_supersedes_claim_updates", "claim_updates", ["supersedes"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("claim_updates") as batch:
        batch.drop_constraint("fk_claim_updates_supersedes_claim_updates", type_="foreignkey")
        batch.drop_column("supersedes")
        batch.drop_column("decided_by")
        batch.drop_column("source")
    with op.batch_alter_table("email_jobs") as batch:
        batch.drop_index("ix_email_jobs_review_status_received_at")
        batch.drop_column("review_status")
    op.drop_index("ix_creditor_aliases_kind_value_norm", table_name="creditor_aliases")
    op.drop_table("creditor_aliases")
    op.drop_table("review_decisions")
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("users")
