"""Migration 0005_review on both backends: jobs that completed as needs_review before it have an
open review after it; down and up again keep the data."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from tests.integration.conftest import alembic_config

REVISION = "0005_review"


def insert_job(conn, job_id: str, status: str, outcome: str | None) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO email_jobs (id, external_id, ticket_id, from_email, subject, body_html,"
            " body_text, attachments, received_at, status, outcome, attempts, cycle_attempts,"
            " manual_retries, updated_at, version) VALUES (:id, :id, 48213, 'a@b.example', '',"
            " '', 'x', '[]', '2026-11-20 08:00:00', :status, :outcome, 1, 1, 0,"
            " '2026-11-20 08:00:00', 1)"
        ),
        {"id": job_id, "status": status, "outcome": outcome},
    )


def review_states(url: str) -> dict[str, str | None]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, review_status FROM email_jobs"))
            return dict(rows.all())
    finally:
        engine.dispose()


def test_needs_review_jobs_get_an_open_review(fresh_database_url):
    config = alembic_config(fresh_database_url)
    before = ScriptDirectory.from_config(config).get_revision(REVISION).down_revision
    command.upgrade(config, before)
    engine = sa.create_engine(fresh_database_url)
    try:
        with engine.begin() as conn:
            insert_job(conn, "review", "completed", "needs_review")
            insert_job(conn, "matched", "completed", "matched")
            insert_job(conn, "queued", "queued", None)
    finally:
        engine.dispose()
    command.upgrade(config, REVISION)
    assert review_states(fresh_database_url) == {
        "review": "open",
        "matched": None,
        "queued": None,
    }
    command.downgrade(config, before)
    command.upgrade(config, "head")
    assert review_states(fresh_database_url)["review"] == "open"
