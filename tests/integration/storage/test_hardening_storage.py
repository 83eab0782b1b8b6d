"""Migration 0004 on both databases: real Zendesk ids (BIGINT), exact money, data carried over."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command

from adapters.sqlalchemy.mirror_ledger import SqlMirrorLedger
from adapters.sqlalchemy.orm import claim_updates, creditors
from domain.model import EmailJob
from domain.values import ClaimUpdate
from tests.integration.conftest import alembic_config
from tests.unit.conftest import make_email

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
BIG_TICKET = 2**40 + 7
BIG_COMMENT = 2**45 + 11  # Zendesk comment ids have 13-14 digits


def _seed_directory(conn) -> None:
    conn.execute(
        sa.text("INSERT INTO clients (id, name, updated_at) VALUES ('M-1', 'Jana', :now)"),
        {"now": NOW.replace(tzinfo=None)},
    )


def test_zendesk_ids_beyond_int4_are_stored_and_read_back(uow_factory):
    email = make_email(ticket_id=BIG_TICKET, comment_id=BIG_COMMENT, message_id=None)
    job = EmailJob("22222222-2222-2222-2222-222222222222", email, received_at=NOW)
    job.enqueue(NOW)
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.jobs.get(job.id)
    assert (loaded.ticket_id, loaded.comment_id) == (BIG_TICKET, BIG_COMMENT)
    assert loaded.external_id == f"zendesk:{BIG_TICKET}:{BIG_COMMENT}"


@pytest.mark.parametrize("amount", ["0.30", "99999999.99", "9999999999.99", "0.01"])
def test_claim_amounts_are_exact_on_both_databases(uow_factory, session_factory, engine, amount):
    # 0.10 + 0.20 is 0.30000000000000004 in binary floating point.
    expected = Decimal("0.10") + Decimal("0.20") if amount == "0.30" else Decimal(amount)
    job = EmailJob("33333333-3333-3333-3333-333333333333", make_email(), received_at=NOW)
    job.enqueue(NOW)
    claim = ClaimUpdate(job.id, "M-1", "C-1", expected, "EUR", NOW)
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.ledger.record(claim)
        uow.commit()
    entry = SqlMirrorLedger(session_factory).get(claim.idempotency_key)
    assert entry.claim.amount == expected and str(entry.claim.amount) == amount
    with engine.connect() as conn:
        raw = conn.execute(sa.select(sa.text("amount")).select_from(claim_updates)).scalar_one()
        if engine.dialect.name == "sqlite":
            # Integer minor units: nothing on the money path is a binary float.
            kind = conn.execute(sa.text("SELECT typeof(amount) FROM claim_updates")).scalar_one()
            assert kind == "integer" and raw == int(expected * 100)
        else:
            assert isinstance(raw, Decimal) and raw == expected


def test_money_column_refuses_floats(engine):
    with pytest.raises(sa.exc.StatementError) as info, engine.begin() as conn:
        conn.execute(
            creditors.insert().values(
                id="C-9", client_id="M-1", name="x", claim_amount=0.1, updated_at=NOW
            )
        )
    assert isinstance(info.value.orig, TypeError)


def test_migration_0004_converts_amounts_and_refuses_a_lossy_downgrade(fresh_database_url, backend):
    config = alembic_config(fresh_database_url)
    command.upgrade(config, "0003_unalerted_failures_index")
    engine = sa.create_engine(fresh_database_url)
    try:
        with engine.begin() as conn:
            _seed_directory(conn)
            conn.execute(
                sa.text(
                    "INSERT INTO creditors (id, client_id, name, claim_amount, updated_at)"
                    " VALUES ('C-1', 'M-1', 'Telekom', 812.40, :now),"
                    " ('C-2', 'M-1', 'Vodafone', NULL, :now)"
                ),
                {"now": NOW.replace(tzinfo=None)},
            )
        command.upgrade(config, "head")
        with engine.connect() as conn:
            amounts = dict(conn.execute(sa.select(creditors.c.id, creditors.c.claim_amount)).all())
        assert amounts == {"C-1": Decimal("812.40"), "C-2": None}

        if backend == "postgresql":
            with engine.begin() as conn:
                conn.execute(
                    sa.text(
                        "INSERT INTO email_jobs (id, external_id, ticket_id, comment_id,"
                        " from_email, subject, body_html, body_text, attachments, received_at,"
                        " status, attempts, cycle_attempts, manual_retries, updated_at, version)"
                        " VALUES ('j1', 'x1', :t, :c, 'a@b.de', '', '', 'x', '[]', :now,"
                        " 'queued', 0, 0, 0, :now, 1)"
                    ),
                    {"t": BIG_TICKET, "c": BIG_COMMENT, "now": NOW},
                )
            with pytest.raises(RuntimeError, match="beyond 2\\*\\*31"):
                command.downgrade(config, "0003_unalerted_failures_index")
            with engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM email_jobs"))

        command.downgrade(config, "0003_unalerted_failures_index")
        with engine.connect() as conn:
            raw = conn.execute(sa.text("SELECT claim_amount FROM creditors WHERE id = 'C-1'"))
            assert Decimal(str(raw.scalar_one())).quantize(Decimal("0.01")) == Decimal("812.40")
            assert "intake_quarantine" not in sa.inspect(conn).get_table_names()
    finally:
        engine.dispose()


def test_reads_do_not_wait_behind_a_writer_on_sqlite(engine, uow_factory, backend):
    from adapters.sqlalchemy.engine import make_read_session_factory
    from adapters.sqlalchemy.queries import SqlJobQueries

    job = EmailJob("44444444-4444-4444-4444-444444444444", make_email(), received_at=NOW)
    job.enqueue(NOW)
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.commit()
    queries = SqlJobQueries(make_read_session_factory(engine))
    writer = engine.connect()
    try:
        writer.begin()  # BEGIN IMMEDIATE on SQLite: holds the write lock
        writer.execute(sa.text("UPDATE email_jobs SET subject = 'x'"))
        # Before: every read began IMMEDIATE too and failed after busy_timeout (locked).
        page = queries.list_jobs(None, 10, 0)
        assert page.total == 1 and page.items[0].subject != "x"
        queries.ping()
        assert queries.get_job(job.id).id == job.id
    finally:
        writer.rollback()
        writer.close()


def test_database_value_errors_are_permanent_with_a_short_parameter_free_message(
    engine, session_factory
):
    from adapters.sqlalchemy.errors import translated
    from domain.errors import PermanentError, classify

    secret_value = "BODY-MARKER-" + "9" * 20
    statements = {
        # numeric overflow (DataError); a NOT NULL violation quoting the row (IntegrityError)
        "postgresql": "SELECT CAST(:v AS NUMERIC(12, 2))",
        "sqlite": "INSERT INTO clients (id, name, updated_at) VALUES (:v, :v, NULL)",
    }
    value = "1" + "0" * 14 if engine.dialect.name == "postgresql" else secret_value
    with pytest.raises(PermanentError) as info, translated(), session_factory() as session:
        session.execute(sa.text(statements[engine.dialect.name]), {"v": value})
    error = classify(info.value)
    assert error.kind.value == "permanent"
    assert error.type in {"DataError", "IntegrityError"}
    assert error.message.startswith(("database rejected a value", "database constraint violated"))
    assert "\n" not in error.message and len(error.message) <= 300
    assert value not in error.message and "SELECT" not in error.message
    assert "INSERT" not in error.message
