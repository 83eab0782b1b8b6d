"""The UnitOfWork port on a SQLAlchemy session: one transaction per `with` block."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from adapters.sqlalchemy import job_writes
from adapters.sqlalchemy.directory_book import SqlDirectoryBook
from adapters.sqlalchemy.driver_write import DriverWrite, can_drive
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.new_jobs import (
    attach_changed_new_jobs,
    commit_new_jobs_alone,
    forget_new_jobs,
    has_staged_jobs,
    new_jobs,
)
from adapters.sqlalchemy.orm import start_mappers
from adapters.sqlalchemy.repository import SqlClaimLedger, SqlJobRepository
from application.ports import EventPublisher, UnitOfWork
from domain.model import EmailJob


class _TranslatingRepository:
    """Wraps the repository so a database outage surfaces as StorageUnavailable."""

    def __init__(self, inner: SqlJobRepository) -> None:
        self._inner = inner

    def __getattr__(self, name: str):
        method = getattr(self._inner, name)

        def call(*args, **kwargs):
            with translated():
                return method(*args, **kwargs)

        return call


_DRIVER = "driver_write"


class _TakeOver(dict):
    """The connections of a unit of work's session transaction (SessionTransaction
    ._connections, which `_connection_for_bind` asks first): when the session needs its
    engine's connection while the unit of work's driver-level transaction is open, it takes
    that transaction over (its connection, BEGIN run, writers' lock held), so what the
    session reads and writes is in the same transaction and its commit or rollback ends all
    of it. Only then: a session transaction begun without a connection (the ORM autobegins
    when a claimed job's attribute is first set) leaves the driver-level transaction alone."""

    def __init__(self, transaction: SessionTransaction, driver: DriverWrite) -> None:
        super().__init__()
        self._transaction = transaction
        self._driver = driver

    def __contains__(self, bind) -> bool:
        driver = self._driver
        if bind is driver.engine and driver.begun and not dict.__contains__(self, bind):
            connection, root = driver.hand_over()
            # As _connection_for_bind records a connection it began on (closed by the
            # session at its end), then its after_begin (new_jobs.py's staged rows).
            self[connection] = self[connection.engine] = (connection, root, True, True)
            session = self._transaction.session
            session.dispatch.after_begin(session, self._transaction, connection)
        return dict.__contains__(self, bind)


def _hand_over(session: Session, transaction: SessionTransaction) -> None:
    """after_transaction_create: the root transaction of a unit of work's session takes over
    the driver-level transaction when it needs a connection (_TakeOver)."""
    if transaction.parent is not None or "info" not in session.__dict__:
        return
    driver = session.info.get(_DRIVER)
    if driver is not None and not driver.handed_over:
        transaction._connections = _TakeOver(transaction, driver)


def _register_hand_over() -> None:
    if not event.contains(Session, "after_transaction_create", _hand_over):
        event.listen(Session, "after_transaction_create", _hand_over)


class SqlAlchemyUnitOfWork(UnitOfWork):
    def __init__(
        self, session_factory: sessionmaker[Session], publisher: EventPublisher | None = None
    ) -> None:
        start_mappers()
        _register_hand_over()
        self._session_factory = session_factory
        self.publisher = publisher
        self.session: Session | None = None
        self._driver: DriverWrite | None = None

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        self.undelivered = []
        self.session = self._session_factory()
        # The prebuilt statements (claim, checkpoints, completion) run in a
        # transaction at the driver level until the session needs the database, which then
        # takes it over (driver_write.DriverWrite, _hand_over).
        bind = self._session_factory.kw.get("bind")
        self._driver = None
        if bind is not None and can_drive(bind):
            self._driver = DriverWrite(bind)
            self.session.info[_DRIVER] = self._driver
        # Jobs written with prebuilt SQL (job_writes.py), claimed and resumed ones included.
        self._held = job_writes.HeldJobs(self.session, self._driver)
        self.jobs = _TranslatingRepository(SqlJobRepository(self.session, self._held))  # type: ignore[assignment]
        self.ledger = _TranslatingRepository(SqlClaimLedger(self.session, self._held))  # type: ignore[assignment]
        self.directory = _TranslatingRepository(SqlDirectoryBook(self.session))  # type: ignore[assignment]
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        session = self.session
        if session is None:
            return
        try:
            if session.in_transaction():
                # Detach first: a rollback would expire the loaded jobs that callers still read.
                session.expunge_all()
                with translated():
                    session.rollback()
        finally:
            if self._driver is not None:
                self._driver.rollback()
            session.close()
            self.session = None

    def _seen_jobs(self) -> Iterable[EmailJob]:
        # The session's identity map, the jobs held outside it (job_writes.HeldJobs) and the
        # new jobs written beside it (new_jobs.py).
        assert self.session is not None
        seen = self._held.seen()
        return seen + [job for job in new_jobs(self.session) if all(job is not s for s in seen)]

    def _commit(self, durable: bool = True) -> None:
        assert self.session is not None, "commit() outside `with uow:`"
        try:
            with translated():
                attach_changed_new_jobs(self.session)
                # Jobs with plain changes on prebuilt SQL, then the ORM. Not durable: the
                # prebuilt job statement also turns synchronous_commit off (PostgreSQL). A unit
                # of work holding one new job and nothing else commits it in one query.
                self._held.flush(durable)
                driver = self._driver
                if driver is not None and driver.begun:
                    if has_staged_jobs(self.session):
                        self.session.connection()  # taken over: the session commits it all
                    else:
                        # All of it ran at the driver level: the session has nothing to
                        # write (flushed above) and no connection (it would have taken
                        # the transaction over).
                        driver.commit()
                        if self.session.in_transaction():
                            self.session.commit()  # begun without a connection: ends it
                        return
                if not commit_new_jobs_alone(self.session):
                    self.session.commit()
        except Exception:
            self._rollback_keeping_objects()
            raise

    def rollback(self) -> None:
        if self.session is not None:
            self._rollback_keeping_objects()

    def _rollback_keeping_objects(self) -> None:
        session = self.session
        assert session is not None
        session.expunge_all()
        forget_new_jobs(session)
        if self._driver is not None:
            self._driver.rollback()
        try:
            session.rollback()
        except Exception:  # noqa: BLE001 - the connection may be gone; close() cleans up
            session.close()
