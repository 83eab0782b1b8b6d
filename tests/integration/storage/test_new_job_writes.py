"""How add() writes a new job (adapters/sqlalchemy/new_jobs.py), on SQLite and PostgreSQL: its
rows in as few round trips as the driver allows, the job left out of the session unless it
changes again before the commit, and nothing of it kept after a rollback."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, func, select

from adapters.sqlalchemy import counters
from adapters.sqlalchemy.orm import email_jobs, job_history
from domain.model import EmailJob
from domain.values import JobStatus
from tests.fakes import FakeClock
from tests.unit.conftest import make_email


def _new_job(n: int = 1) -> EmailJob:
    clock = FakeClock()
    job = EmailJob(f"33333333-3333-3333-3333-33333333333{n}", make_email(n), clock.now())
    job.enqueue(clock.now())
    return job


def test_job_history_and_counts_go_in_one_statement_on_postgresql(uow_factory, engine, backend):
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    job = _new_job()
    with uow_factory() as uow:
        uow.jobs.get(job.id)  # the transaction (and SQLite's BEGIN) before the count starts
        event.listen(engine, "before_cursor_execute", seen)
        try:
            uow.jobs.add(job)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        uow.commit()
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    # psycopg2 sends joined statements as one query; sqlite3 runs one statement per call.
    assert len(inserts) == (1 if backend == "postgresql" else 3), statements
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(job_history)) == 1
        assert counters.status_counts(conn)["queued"] == 1
    assert job.history[0].id is not None and job.version == 1


def test_a_new_job_changed_before_the_commit_is_written_with_its_change(uow_factory, engine):
    job = _new_job()
    clock = FakeClock()
    with uow_factory() as uow:
        uow.jobs.add(job)
        job.start(clock.now(), timedelta(seconds=60))
        uow.commit()
    with engine.connect() as conn:
        status, version = conn.execute(
            select(email_jobs.c.status, email_jobs.c.version).where(email_jobs.c.id == job.id)
        ).one()
        history = conn.scalar(select(func.count()).select_from(job_history))
        counts = counters.status_counts(conn)
    assert (status, version, history) == (JobStatus.PROCESSING.value, 2, 2)
    assert counts["queued"] == 0 and counts["processing"] == 1


def test_a_rolled_back_new_job_publishes_nothing(uow_factory, engine, queue):
    first, second = _new_job(1), _new_job(2)
    with uow_factory() as uow:
        uow.jobs.add(first)
        uow.rollback()
        uow.jobs.add(second)
        uow.commit()
    assert [task.arg for task in queue.tasks] == [second.id]
    with engine.connect() as conn:
        assert conn.scalars(select(email_jobs.c.id)).all() == [second.id]
