"""Alembic on both backends: upgrade → downgrade → upgrade, and no drift from the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from adapters.sqlalchemy.counters import job_counters  # noqa: F401 - in the metadata
from adapters.sqlalchemy.orm import metadata
from adapters.sqlalchemy.read_indexes import TEXT_SEARCH_INDEX
from tests.integration.conftest import alembic_config

TABLES = {
    "email_jobs",
    "job_history",
    "clients",
    "creditors",
    "claim_updates",
    "reconciliation_reports",
    "users",
    "api_tokens",
    "review_decisions",
    "creditor_aliases",
    "zendesk_cursors",
    "job_counters",
}


def tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(fresh_database_url):
    config = alembic_config(fresh_database_url)
    command.upgrade(config, "head")
    assert tables(fresh_database_url) >= TABLES
    command.downgrade(config, "base")
    assert tables(fresh_database_url) == set()
    command.upgrade(config, "head")
    assert tables(fresh_database_url) >= TABLES


def test_models_and_migrations_do_not_drift(fresh_database_url, backend):
    command.upgrade(alembic_config(fresh_database_url), "head")
    engine = sa.create_engine(fresh_database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": backend == "sqlite"}
            )
            diff = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    # Tables added by later migrations that live outside this metadata are not drift.
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name not in TABLES)]
    # The search's trigram index is PostgreSQL-only (pg_trgm), so the metadata leaves it out.
    diff = [d for d in diff if not (d[0] == "remove_index" and d[1].name == TEXT_SEARCH_INDEX)]
    assert diff == []


def test_search_index_exists_on_postgresql_only(fresh_database_url, backend):
    config = alembic_config(fresh_database_url)
    command.upgrade(config, "head")
    engine = sa.create_engine(fresh_database_url)
    try:
        names = {index["name"] for index in sa.inspect(engine).get_indexes("email_jobs")}
        assert (TEXT_SEARCH_INDEX in names) == (backend == "postgresql")
        assert "ix_email_jobs_queued_fresh" in names
        command.downgrade(config, "0007_status_counts")
        names = {index["name"] for index in sa.inspect(engine).get_indexes("email_jobs")}
        assert TEXT_SEARCH_INDEX not in names and "ix_email_jobs_queued_fresh" not in names
    finally:
        engine.dispose()
