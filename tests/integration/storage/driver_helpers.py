"""Shared by the tests of the driver-level transactions and the prebuilt job writes (the
intake's write_alone, the worker's DriverWrite, job_writes): the transactions SQLAlchemy
begins, this process's writers' lock, an engine of a test's own and SQLite locked by another
process, the server ending pooled connections, and a matched completion with its claim."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from adapters.sqlalchemy import engine as engine_module
from adapters.sqlalchemy.engine import make_engine, make_session_factory
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.dispatcher import queue_dispatcher
from domain.values import ClaimUpdate, Outcome


@contextmanager
def begins(engine):
    """The transactions SQLAlchemy begins on `engine` (its `begin` event: _on_begin's)."""
    seen: list[int] = []

    def begun(_connection):
        seen.append(1)

    event.listen(engine, "begin", begun)
    try:
        yield seen
    finally:
        event.remove(engine, "begin", begun)


def writers_lock_free(engine) -> bool:
    """No thread holds the engine's writers' lock (PostgreSQL engines have none)."""
    writers = engine_module._sqlite_writers.get(engine)
    return writers is None or not writers.locked()


def end_other_connections(engine) -> int:
    """PostgreSQL: the server ends every other connection to `engine`'s database (a restart,
    an idle timeout), the pooled ones included; how many it ended."""
    outsider = create_engine(engine.url, poolclass=NullPool)
    try:
        with outsider.connect() as conn:
            return conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    finally:
        outsider.dispose()


def one_client_directory(session_factory) -> None:
    """The directory the matched completions below claim in: client M-1, creditor C-1."""
    from adapters.sqlalchemy.directory import SqlClientDirectory

    SqlClientDirectory(session_factory).import_directory(
        {
            "clients": [
                {"id": "M-1", "name": "Jana", "creditors": [{"id": "C-1", "name": "Telekom"}]}
            ]
        }
    )


def complete_with_claim(uow_factory, job, clock, claim_job_id=None) -> bool:
    """`job` (claimed) completed as matched with its claim in one unit of work; whether the
    ledger row was written (`claim_job_id`: the claim's key under another job's id)."""
    with uow_factory() as uow:
        uow.jobs.resume(job)
        job.complete(clock.now(), Outcome.MATCHED)
        claim = ClaimUpdate(
            claim_job_id or job.id, "M-1", "C-1", Decimal("812.40"), "EUR", clock.now()
        )
        written = uow.ledger.record(claim)
        uow.commit()
    return written


@contextmanager
def own_engine(database_url: str, queue, **engine_options):
    """An engine of make_engine (`engine_options`: pool settings) and its units of work, with
    the events handed to `queue`; disposed after the block."""
    engine = make_engine(database_url, **engine_options)
    try:
        yield (
            engine,
            lambda: SqlAlchemyUnitOfWork(make_session_factory(engine), queue_dispatcher(queue)),
        )
    finally:
        engine.dispose()


@contextmanager
def sqlite_write_locked(database_url: str):
    """SQLite's write lock held by another connection (as another process would) for the
    block, released at its end."""
    holder = create_engine(database_url)
    try:
        with holder.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield
            conn.exec_driver_sql("ROLLBACK")
    finally:
        holder.dispose()
