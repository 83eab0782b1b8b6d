"""The worker's claim and completion in one transaction at the driver level (driver_write.DriverWrite,
unit_of_work._TakeOver): while the unit of work's session has no connection, its prebuilt
statements run on a pooled DBAPI connection (SQLite: under the engine's writers' lock and
BEGIN IMMEDIATE), committed by COMMIT; a session that then needs the database takes the same
transaction over. On both databases: the same rows, the version compare-and-set, all or
nothing; on SQLite the writers' lock released on every path."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from adapters.sqlalchemy import engine as engine_module
from adapters.sqlalchemy.counts_store import SqlCountsCheck
from adapters.sqlalchemy.engine import make_session_factory
from adapters.sqlalchemy.orm import claim_updates, creditors, email_jobs, job_history
from application.ports import ConcurrencyConflict, StorageUnavailable
from domain.errors import PermanentError
from domain.values import JobStatus
from tests.fakes import FakeClock
from tests.integration.storage.driver_helpers import (
    begins,
    complete_with_claim,
    end_other_connections,
    one_client_directory,
    own_engine,
    sqlite_write_locked,
)
from tests.integration.storage.driver_helpers import writers_lock_free as _lock_free
from tests.integration.storage.test_job_counters import receive

LEASE = timedelta(seconds=60)


def _claim(uow_factory, job_id, clock):
    with uow_factory() as uow:
        job = uow.jobs.get_for_claim(job_id)
        job.start(clock.now(), LEASE)
        uow.commit()
    return job


def _row(engine, job_id):
    with engine.connect() as conn:
        job = conn.execute(
            select(email_jobs.c.status, email_jobs.c.version).where(email_jobs.c.id == job_id)
        ).one()
        entries = conn.scalar(
            select(func.count()).select_from(job_history).where(job_history.c.job_id == job_id)
        )
        ledger = conn.scalar(select(func.count()).select_from(claim_updates))
        claim = conn.scalar(select(creditors.c.claim_amount))
    return tuple(job), entries, ledger, claim


def test_claim_and_completion_store_the_same_rows_on_both_databases(
    uow_factory, session_factory, engine, queue
):
    one_client_directory(session_factory)
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    with begins(engine) as claim_begun:
        job = _claim(uow_factory, job_id, clock)
    assert _row(engine, job_id) == ((JobStatus.PROCESSING, 2), 2, 0, None)
    with begins(engine) as completion_begun:
        assert complete_with_claim(uow_factory, job, clock) is True
    # No SQLAlchemy transaction: both at the driver level.
    assert claim_begun + completion_begun == []
    assert _row(engine, job_id) == ((JobStatus.COMPLETED, 3), 3, 1, Decimal("812.40"))
    assert job.version == 3 and job.status is JobStatus.COMPLETED
    assert SqlCountsCheck(session_factory).verify(repair=False) == []  # counters = recount
    # The completion's events handed over after its commit (the match notice).
    assert [task.name for task in queue.tasks][-1] == "match_notice"
    assert _lock_free(engine)


def test_a_stale_completion_changes_nothing_and_frees_the_lock(
    uow_factory, session_factory, engine
):
    one_client_directory(session_factory)
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    job = _claim(uow_factory, job_id, clock)
    with engine.begin() as conn:  # the sweep took the job over since
        conn.execute(
            update(email_jobs)
            .where(email_jobs.c.id == job_id)
            .values(version=email_jobs.c.version + 1)
        )
    before = _row(engine, job_id)
    with pytest.raises(ConcurrencyConflict):
        complete_with_claim(uow_factory, job, clock)
    assert _row(engine, job_id) == before
    assert SqlCountsCheck(session_factory).verify(repair=False) == []
    assert _lock_free(engine)


def test_a_failing_statement_after_the_job_write_leaves_nothing(
    uow_factory, session_factory, engine
):
    # The job's UPDATE, history and counters are written, then the ledger row fails (its job
    # does not exist): the whole transaction is rolled back.
    one_client_directory(session_factory)
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    job = _claim(uow_factory, job_id, clock)
    before = _row(engine, job_id)
    missing = "99999999-9999-9999-9999-999999999999"
    with pytest.raises(PermanentError):
        complete_with_claim(uow_factory, job, clock, claim_job_id=missing)
    assert _row(engine, job_id) == before
    assert SqlCountsCheck(session_factory).verify(repair=False) == []
    assert _lock_free(engine)
    # The connection and the lock serve the next transaction.
    job = _claim(uow_factory, receive(uow_factory, 2), clock)
    assert job.status is JobStatus.PROCESSING


def test_a_unit_of_work_left_without_commit_writes_nothing(uow_factory, engine):
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    before = _row(engine, job_id)
    with pytest.raises(RuntimeError), uow_factory() as uow:
        job = uow.jobs.get_for_claim(job_id)
        job.start(clock.now(), LEASE)
        uow.jobs.resume(job)
        uow._held.flush()  # written in the open transaction
        raise RuntimeError("the use case failed")
    assert _row(engine, job_id) == before
    assert _lock_free(engine)


def test_the_session_takes_the_open_transaction_over(uow_factory, session_factory, engine):
    """An ORM read after the driver-level claim read (a review decision lazy-loaded) runs in
    the same transaction: one SQLAlchemy transaction, begun without a second BEGIN, and the
    session's commit ends all of it."""
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    with begins(engine) as begun, uow_factory() as uow:
        job = uow.jobs.get_for_claim(job_id)
        assert job.decisions == []  # lazy-loaded by the session
        assert uow.session.in_transaction() and uow._driver.handed_over
        job.start(clock.now(), LEASE)
        uow.commit()
    assert len(begun) == 1
    assert _row(engine, job_id)[:2] == ((JobStatus.PROCESSING, 2), 2)
    assert SqlCountsCheck(session_factory).verify(repair=False) == []
    assert _lock_free(engine)


def test_a_taken_over_transaction_rolled_back_leaves_nothing(uow_factory, engine):
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    before = _row(engine, job_id)
    with uow_factory() as uow:
        job = uow.jobs.get_for_claim(job_id)
        job.start(clock.now(), LEASE)
        uow._held.flush()  # the job's write, at the driver level on SQLite
        # An ORM read: the session takes the transaction over, and sees the write.
        assert uow.jobs.expired_lease_ids(clock.now() + 2 * LEASE, 10) == [job_id]
        assert uow._driver.handed_over
        uow.rollback()
    assert _row(engine, job_id) == before
    assert _lock_free(engine)


@pytest.fixture
def sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("SQLite's driver-level unit of work transaction (driver_write.DriverWrite)")


def test_a_claim_is_refused_in_time_when_the_database_is_locked(
    sqlite_only, database_url, queue, monkeypatch
):
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 200)
    with own_engine(database_url, queue) as (engine, uow_factory):
        clock = FakeClock()
        job_id = receive(uow_factory, 1)
        with sqlite_write_locked(database_url):
            with (
                begins(engine) as begun,
                uow_factory() as uow,
                pytest.raises(StorageUnavailable),
            ):
                uow.jobs.get_for_claim(job_id)
            assert begun == []  # the driver-level path waited and gave up
            assert _lock_free(engine)
        job = _claim(uow_factory, job_id, clock)
        assert _row(engine, job_id)[:2] == ((JobStatus.PROCESSING, 2), 2)
        assert job.version == 2


def test_a_claim_waits_for_this_process_writers_lock(sqlite_only, uow_factory, engine):
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    writers = engine_module._sqlite_writers[engine]
    done = threading.Event()
    with writers:
        worker = threading.Thread(target=lambda: (_claim(uow_factory, job_id, clock), done.set()))
        worker.start()
        assert not done.wait(0.2)  # not claimed while the lock is held
    worker.join(10)
    assert done.is_set()
    assert _row(engine, job_id)[:2] == ((JobStatus.PROCESSING, 2), 2)
    assert _lock_free(engine)


def test_concurrent_claims_on_one_sqlite_engine_claim_once(sqlite_only, uow_factory, engine):
    """Several threads claim the same job through driver-level transactions: one wins, the
    others see it claimed (not queued) or lose the compare-and-set."""
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    won: list[bool] = []

    def claim() -> None:
        with uow_factory() as uow:
            job = uow.jobs.get_for_claim(job_id)
            if job is None or not job.can_start(clock.now()):
                won.append(False)
                return
            job.start(clock.now(), LEASE)
            try:
                uow.commit()
            except ConcurrencyConflict:
                won.append(False)
                return
        won.append(True)

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(won) == [False] * 5 + [True]
    assert _row(engine, job_id)[:2] == ((JobStatus.PROCESSING, 2), 2)
    assert _lock_free(engine)


def test_a_claim_after_the_server_dropped_the_pooled_connection_takes_a_new_one(
    backend, uow_factory, engine
):
    """PostgreSQL: the driver-level checkout is pinged like the session's (engine._pinger):
    a connection the server ended is replaced before the claim's first statement."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's pooled connections and their ping")

    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    end_other_connections(engine)
    job = _claim(uow_factory, job_id, clock)
    assert job.version == 2 and _row(engine, job_id)[:2] == ((JobStatus.PROCESSING, 2), 2)


@pytest.fixture
def one_connection(backend, database_url, queue):
    """PostgreSQL: an engine of make_engine with one pooled connection, and its units of work."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's prepared statements (prepared.py)")
    with own_engine(database_url, queue, pool_size=1, max_overflow=0) as engine_and_factory:
        yield engine_and_factory


def _server_statements(engine) -> set[str]:
    from sqlalchemy import text

    with engine.connect() as conn:
        return set(conn.scalars(text("SELECT name FROM pg_prepared_statements")))


def test_the_claim_and_completion_run_as_prepared_statements(one_connection, session_factory):
    """PostgreSQL: the claim's read and write and the completion's statement are PREPAREd once
    on the connection and then run by EXECUTE (the server neither parses nor plans them
    again); a stale write rolled back keeps them; the rows are those of the text statements."""
    from adapters.sqlalchemy import claim_read, job_writes, prepared

    engine, uow_factory = one_connection
    one_client_directory(make_session_factory(engine))
    clock = FakeClock()
    first = _claim(uow_factory, receive(uow_factory, 1), clock)
    assert complete_with_claim(uow_factory, first, clock) is True
    names = _server_statements(engine)
    claim_sql = claim_read._statement(engine.dialect)[3].sql
    writes = {prepared._name(s.sql) for s in job_writes._statements.values() if s.server_types}
    assert prepared._name(claim_sql) in names
    assert len(names & writes) == 2  # the claim's write and the completion's
    # Sent again: only EXECUTEs (nothing new to prepare), and a stale one rolled back.
    job_id = receive(uow_factory, 2)
    second = _claim(uow_factory, job_id, clock)
    with engine.begin() as conn:
        conn.execute(
            update(email_jobs)
            .where(email_jobs.c.id == job_id)
            .values(version=email_jobs.c.version + 1)
        )
    with pytest.raises(ConcurrencyConflict):
        complete_with_claim(uow_factory, second, clock)
    assert _server_statements(engine) == names
    assert _row(engine, first.id) == ((JobStatus.COMPLETED, 3), 3, 1, Decimal("812.40"))
    assert SqlCountsCheck(session_factory).verify(repair=False) == []


def test_statements_dropped_behind_the_workers_back_are_prepared_again(one_connection):
    """DISCARD ALL on the connection (a pooler would do it): one unit of work fails, with
    nothing written; the next prepares its statements again and claims."""
    from sqlalchemy import text

    engine, uow_factory = one_connection
    clock = FakeClock()
    first, job_id = receive(uow_factory, 1), receive(uow_factory, 2)
    _claim(uow_factory, first, clock)
    with engine.connect() as conn:
        conn.execute(text("DEALLOCATE ALL"))
    before = _row(engine, job_id)
    with pytest.raises(StorageUnavailable):
        _claim(uow_factory, job_id, clock)
    assert _row(engine, job_id) == before
    job = _claim(uow_factory, job_id, clock)
    assert job.version == 2 and _row(engine, job_id)[:2] == ((JobStatus.PROCESSING, 2), 2)


def test_the_claim_and_completion_do_not_ping_the_pooled_connection(
    backend, uow_factory, engine, monkeypatch
):
    """PostgreSQL: no `SELECT 1` before either transaction (a round trip each); a dropped
    connection is replaced after the first statement fails (the test above)."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's pooled connections and their ping")
    one_client_directory(make_session_factory(engine))
    pings = []
    ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or ping(c))
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    pings.clear()
    job = _claim(uow_factory, job_id, clock)
    assert complete_with_claim(uow_factory, job, clock) is True
    assert pings == []
    assert _row(engine, job_id) == ((JobStatus.COMPLETED, 3), 3, 1, Decimal("812.40"))


@pytest.fixture
def round_trips(backend):
    """PostgreSQL: the queries sent from now on (psycopg2's wait callback, deadline.py, serves
    each round trip once)."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's round trips")
    import psycopg2.extensions

    from adapters.sqlalchemy import deadline

    sent: list[object] = []

    def counting(conn) -> None:
        sent.append(conn)
        deadline.wait_with_deadline(conn)

    psycopg2.extensions.set_wait_callback(counting)
    try:
        yield sent
    finally:
        psycopg2.extensions.set_wait_callback(deadline.wait_with_deadline)


def test_the_claim_is_three_round_trips_and_the_completion_two(round_trips, uow_factory, engine):
    """BEGIN goes with the transaction's first statement (one query), no ping: the claim is
    `BEGIN; read`, its write, COMMIT; the completion `BEGIN; its statement`, COMMIT."""
    one_client_directory(make_session_factory(engine))
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    job = _claim(uow_factory, job_id, clock)  # the statements prepared once
    assert complete_with_claim(uow_factory, job, clock) is True
    job_id = receive(uow_factory, 2)
    round_trips.clear()
    job = _claim(uow_factory, job_id, clock)
    assert len(round_trips) == 3
    round_trips.clear()
    assert complete_with_claim(uow_factory, job, clock) is True
    assert len(round_trips) == 2
    assert _row(engine, job_id) == ((JobStatus.COMPLETED, 3), 3, 2, Decimal("812.40"))
    assert SqlCountsCheck(session_factory=make_session_factory(engine)).verify(repair=False) == []


def test_a_failed_unit_of_work_returns_its_connection_idle_and_out_of_autocommit(
    one_connection,
):
    """The driver-level transaction runs in psycopg2's autocommit mode with its own BEGIN:
    whatever happened, the pooled connection goes back with no transaction open and in
    psycopg2's ordinary mode (else the next user would run outside any transaction)."""
    import psycopg2.extensions

    engine, uow_factory = one_connection
    one_client_directory(make_session_factory(engine))
    clock = FakeClock()
    job = _claim(uow_factory, receive(uow_factory, 1), clock)
    missing = "99999999-9999-9999-9999-999999999999"
    with pytest.raises(PermanentError):  # the ledger row fails after the job's write
        complete_with_claim(uow_factory, job, clock, claim_job_id=missing)
    second = receive(uow_factory, 2)
    with pytest.raises(RuntimeError), uow_factory() as uow:  # left without commit
        uow.jobs.get_for_claim(second)
        raise RuntimeError("the use case failed")
    raw = engine.raw_connection()
    try:
        assert raw.dbapi_connection.autocommit is False
        status = raw.dbapi_connection.info.transaction_status
        assert status == psycopg2.extensions.TRANSACTION_STATUS_IDLE
    finally:
        raw.close()
    assert _row(engine, job.id)[:2] == ((JobStatus.PROCESSING, 2), 2)
    assert complete_with_claim(uow_factory, _claim(uow_factory, second, clock), clock) is True
    assert _row(engine, second)[:2] == ((JobStatus.COMPLETED, 3), 3)
