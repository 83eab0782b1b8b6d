"""A delivery alone in its unit of work is committed without the session's transaction
(adapters/sqlalchemy/new_jobs.py): on PostgreSQL as one query (prepared.py), sent again on a
new connection when the pooled one was dropped by the server, and never stored twice; on
SQLite as BEGIN IMMEDIATE, the INSERTs and COMMIT at the driver level under the engine's
writers' lock (driver_write.write_alone). On both: all or nothing, stored when commit() returns,
duplicates refused by the unique keys, the writers' lock released on every path."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import psycopg2.extensions
import pytest
from psycopg2 import OperationalError
from sqlalchemy import String, event, func, select, text
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy import counters, new_jobs
from adapters.sqlalchemy import engine as engine_module
from adapters.sqlalchemy.orm import email_jobs, job_history
from application.ports import DuplicateJob, StorageUnavailable
from domain.errors import PermanentError
from domain.model import EmailJob
from domain.values import JobStatus
from tests.fakes import FakeClock
from tests.integration.storage.driver_helpers import (
    begins,
    end_other_connections,
    own_engine,
    sqlite_write_locked,
    writers_lock_free,
)
from tests.unit.conftest import make_email


def _new_job(n: int, email: int | None = None) -> EmailJob:
    clock = FakeClock()
    job = EmailJob(f"44444444-4444-4444-4444-{n:012d}", make_email(email or n), clock.now())
    job.enqueue(clock.now())
    return job


def _deliver(uow_factory, job: EmailJob) -> None:
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.commit()


def _stored(engine) -> tuple[list[str], int, int]:
    with engine.connect() as conn:
        ids = conn.scalars(select(email_jobs.c.id).order_by(email_jobs.c.id)).all()
        history = conn.scalar(select(func.count()).select_from(job_history))
        queued = counters.status_counts(conn)["queued"]
    return ids, history, queued


@contextmanager
def round_trips():
    """Counts the PostgreSQL round trips (psycopg2 calls its wait callback once for each)."""
    inner = psycopg2.extensions.get_wait_callback()
    trips: list[int] = []

    def counting(conn):
        trips.append(1)
        inner(conn)

    psycopg2.extensions.set_wait_callback(counting)
    try:
        yield trips
    finally:
        psycopg2.extensions.set_wait_callback(inner)


@pytest.fixture
def postgres_only(backend):
    if backend != "postgresql":
        pytest.skip("the one-query intake is PostgreSQL's; SQLite writes in the transaction")


def test_a_delivery_is_one_round_trip_and_stored_with_history_and_count(
    postgres_only, uow_factory, engine, queue
):
    _deliver(uow_factory, _new_job(1))  # the pooled connection exists and has prepared
    job = _new_job(2)
    with round_trips() as trips, uow_factory() as uow:
        uow.jobs.add(job)
        assert trips == []  # nothing is sent before the commit
        uow.commit()
    # No pre-ping, no BEGIN, no COMMIT: the INSERTs alone, committed by the server.
    assert len(trips) == 1
    assert _stored(engine) == (sorted([_new_job(1).id, job.id]), 2, 2)
    assert job.history[0].id is not None and job.version == 1
    assert [task.arg for task in queue.tasks] == [_new_job(1).id, job.id]


def test_a_delivery_whose_history_row_fails_leaves_nothing(uow_factory, engine, queue):
    job = _new_job(1)
    # A history row without its result: the job's and the counts' statements run first, the
    # history's (the last) fails.
    job.history[0].result = None
    with uow_factory() as uow:
        uow.jobs.add(job)
        with pytest.raises(PermanentError):
            uow.commit()
    assert _stored(engine) == ([], 0, 0)
    assert queue.tasks == []
    _assert_writers_lock_free(engine)
    _deliver(uow_factory, _new_job(2))  # the connection is fine afterwards
    assert _stored(engine) == ([_new_job(2).id], 1, 1)


def _assert_writers_lock_free(engine) -> None:
    assert writers_lock_free(engine)


@pytest.fixture
def sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("SQLite's driver-level write transaction (driver_write.write_alone)")


def test_a_sqlite_delivery_is_written_at_driver_level_and_stored_whole(
    sqlite_only, uow_factory, engine, queue
):
    job = _new_job(1)
    with begins(engine) as begun, uow_factory() as uow:
        uow.jobs.add(job)
        uow.commit()
        assert not uow.session.in_transaction()
    # No SQLAlchemy transaction: BEGIN IMMEDIATE, the INSERTs and COMMIT went to the driver.
    assert begun == []
    assert _stored(engine) == ([job.id], 1, 1)
    assert job.history[0].id is not None and job.version == 1
    assert [task.arg for task in queue.tasks] == [job.id]
    _assert_writers_lock_free(engine)


def test_a_sqlite_delivery_is_refused_in_time_when_the_database_is_locked(
    sqlite_only, database_url, queue, monkeypatch
):
    # Another process holds SQLite's write lock: BEGIN IMMEDIATE waits the busy timeout (made
    # short here), the delivery is refused as an outage, nothing is stored, no lock is kept.
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 200)
    with own_engine(database_url, queue) as (engine, uow_factory):
        with sqlite_write_locked(database_url):
            with begins(engine) as begun, uow_factory() as uow:
                uow.jobs.add(_new_job(1))
                with pytest.raises(StorageUnavailable):
                    uow.commit()
            assert begun == []  # it was the driver-level path that waited
        _assert_writers_lock_free(engine)
        assert queue.tasks == []
        assert _stored(engine) == ([], 0, 0)
        _deliver(uow_factory, _new_job(2))
        assert _stored(engine) == ([_new_job(2).id], 1, 1)


def test_a_sqlite_delivery_waits_for_this_process_writers_lock(sqlite_only, uow_factory, engine):
    # A writer of this process holds the writers' lock: the driver-level path queues on it like
    # a session's BEGIN does (engine._on_begin), and goes on once it is free.
    import threading

    writers = engine_module._sqlite_writers[engine]
    done = threading.Event()
    with writers:
        worker = threading.Thread(target=lambda: (_deliver(uow_factory, _new_job(1)), done.set()))
        worker.start()
        assert not done.wait(0.2)  # not stored while the lock is held
    worker.join(10)
    assert done.is_set()
    assert _stored(engine) == ([_new_job(1).id], 1, 1)
    _assert_writers_lock_free(engine)


def test_a_traced_sqlite_engine_keeps_the_session_transaction(sqlite_only, uow_factory, engine):
    # Something listens to the statements (tracing): they must see every one, so the session's
    # ordinary transaction writes the staged rows.
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement.split()[0].upper())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        _deliver(uow_factory, _new_job(1))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements[0] == "BEGIN" and statements.count("INSERT") == 3, statements
    assert _stored(engine) == ([_new_job(1).id], 1, 1)
    _assert_writers_lock_free(engine)


def test_a_dropped_pooled_connection_is_replaced_and_the_job_stored_once(
    postgres_only, uow_factory, engine, queue
):
    _deliver(uow_factory, _new_job(1))
    # The server ends every pooled connection (a restart, an idle timeout): the next delivery
    # meets a dead connection without a ping, and is sent again on a new one.
    assert end_other_connections(engine) >= 1
    failures = []

    def failed(context):
        failures.append(context)

    event.listen(engine, "handle_error", failed)
    try:
        _deliver(uow_factory, _new_job(2))
    finally:
        event.remove(engine, "handle_error", failed)
    assert [f.is_disconnect for f in failures] == [True]  # the dead one, once
    assert _stored(engine) == (sorted([_new_job(1).id, _new_job(2).id]), 2, 2)
    assert [task.arg for task in queue.tasks] == [_new_job(1).id, _new_job(2).id]


def test_a_duplicate_on_a_new_connection_is_refused_and_the_next_delivery_taken(
    uow_factory, engine, queue
):
    _deliver(uow_factory, _new_job(1))
    engine.pool.dispose()  # a new connection (PostgreSQL: its first query prepares, then fails)
    with begins(engine) as begun, uow_factory() as uow:
        uow.jobs.add(_new_job(3, email=1))
        with pytest.raises(DuplicateJob):
            uow.commit()
    if engine.dialect.name == "sqlite":
        assert begun == []  # refused by the driver-level path's INSERT
    _assert_writers_lock_free(engine)
    _deliver(uow_factory, _new_job(2))
    assert _stored(engine) == (sorted([_new_job(1).id, _new_job(2).id]), 2, 2)
    assert [task.arg for task in queue.tasks] == [_new_job(1).id, _new_job(2).id]


def test_statements_dropped_behind_its_back_are_prepared_again(postgres_only, uow_factory, engine):
    engine.pool.dispose()
    _deliver(uow_factory, _new_job(1))
    with engine.connect() as conn:  # the one pooled connection, the delivery's
        conn.exec_driver_sql("DEALLOCATE ALL")
        conn.commit()
    _deliver(uow_factory, _new_job(2))
    assert _stored(engine) == (sorted([_new_job(1).id, _new_job(2).id]), 2, 2)


def test_other_work_in_the_unit_of_work_comes_after_the_new_jobs_rows(uow_factory, engine, queue):
    first, second = _new_job(1), _new_job(2)
    with uow_factory() as uow:
        uow.jobs.add(first)
        # A read begins the transaction: the new job's rows are written first, so it sees them.
        assert uow.jobs.get(first.id) is not None
        uow.jobs.add(second)
        uow.commit()
    assert _stored(engine) == (sorted([first.id, second.id]), 2, 2)
    assert sorted(task.arg for task in queue.tasks) == sorted([first.id, second.id])


def test_a_new_job_changed_before_the_commit_goes_through_the_transaction(uow_factory, engine):
    job = _new_job(1)
    with uow_factory() as uow:
        uow.jobs.add(job)
        job.start(FakeClock().now(), timedelta(seconds=60))
        uow.commit()
    with engine.connect() as conn:
        status, version = conn.execute(
            select(email_jobs.c.status, email_jobs.c.version).where(email_jobs.c.id == job.id)
        ).one()
    assert (status, version) == (JobStatus.PROCESSING.value, 2)
    assert _stored(engine)[1:] == (2, 0)


def test_a_delivery_left_without_commit_writes_nothing(uow_factory, engine, queue):
    with uow_factory() as uow:
        uow.jobs.add(_new_job(1))
    assert _stored(engine) == ([], 0, 0)
    assert queue.tasks == []


def test_everyone_else_still_pings_a_pooled_connection_before_use(postgres_only, engine):
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    end_other_connections(engine)
    with engine.connect() as conn:  # replaced at checkout, as pool_pre_ping would
        assert conn.scalar(text("SELECT 1")) == 1


def test_a_connection_lost_after_the_server_committed_stores_the_job_once(
    postgres_only, uow_factory, engine, queue, monkeypatch
):
    def committed_then_lost(engine, write):
        # The server runs and commits the query; then the connection breaks before its answer.
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "; ".join(sql for sql, _ in write.statements),
                tuple(value for _, values in write.statements for value in values),
            )
        lost = OperationalError("server closed the connection unexpectedly")
        raise DBAPIError("EXECUTE …", None, lost, connection_invalidated=True)

    monkeypatch.setattr(new_jobs, "_send_alone", committed_then_lost)
    job = _new_job(1)
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.commit()  # accepted: its own row is found, and not written again
    assert _stored(engine) == ([job.id], 1, 1)
    assert job.history[0].id is not None
    assert [task.arg for task in queue.tasks] == [job.id]


def test_two_new_jobs_in_one_unit_of_work_are_one_transaction(uow_factory, engine, queue):
    with uow_factory() as uow, pytest.raises(DuplicateJob):
        uow.jobs.add(_new_job(1))
        uow.jobs.add(_new_job(2, email=1))  # a duplicate of the first (SQLite: refused here)
        uow.commit()
    assert _stored(engine) == ([], 0, 0)
    assert queue.tasks == []


def test_a_new_job_is_stored_exactly_as_the_orm_would_store_it(
    uow_factory, session_factory, engine
):
    columns = [column for column in email_jobs.c if column.key != "id"]

    def stored_row(job_id: str) -> dict:
        with engine.connect() as conn:
            row = conn.execute(
                select(*[func.cast(c, String).label(c.key) for c in columns]).where(
                    email_jobs.c.id == job_id
                )
            ).one()
            conn.execute(job_history.delete())
            conn.execute(email_jobs.delete())
            conn.commit()
        return row._asdict()

    ours = _new_job(1)
    _deliver(uow_factory, ours)
    written = stored_row(ours.id)
    orms = _new_job(2, email=1)
    with session_factory() as session:
        session.add(new_jobs.as_stored(orms))  # the domain's job is not mapped itself
        session.commit()
    assert written == stored_row(orms.id)
