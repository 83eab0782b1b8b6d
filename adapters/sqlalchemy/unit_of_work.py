"""The UnitOfWork port on a SQLAlchemy session: one transaction per `with` block."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy import job_writes
from adapters.sqlalchemy.directory_book import SqlDirectoryBook
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.new_jobs import (
    attach_changed_new_jobs,
    commit_new_jobs_alone,
    forget_new_jobs,
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


class SqlAlchemyUnitOfWork(UnitOfWork):
    def __init__(
        self, session_factory: sessionmaker[Session], publisher: EventPublisher | None = None
    ) -> None:
        start_mappers()
        self._session_factory = session_factory
        self.publisher = publisher
        self.session: Session | None = None

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        self.undelivered = []
        self.session = self._session_factory()
        # Jobs written with prebuilt SQL (job_writes.py), claimed and resumed ones included.
        self._held = job_writes.HeldJobs(self.session)
        self.jobs = _TranslatingRepository(SqlJobRepository(self.session, self._held))  # type: ignore[assignment]
        self.ledger = _TranslatingRepository(SqlClaimLedger(self.session, self._held.flush))  # type: ignore[assignment]
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
        try:
            session.rollback()
        except Exception:  # noqa: BLE001 - the connection may be gone; close() cleans up
            session.close()
