"""The UnitOfWork port on a SQLAlchemy session: one transaction per `with` block."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy.checkpoints import checkpoint_changes, write_checkpoint
from adapters.sqlalchemy.directory_book import SqlDirectoryBook
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.new_jobs import attach_changed_new_jobs, forget_new_jobs, new_jobs
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
        self.jobs = _TranslatingRepository(SqlJobRepository(self.session))  # type: ignore[assignment]
        self.ledger = _TranslatingRepository(SqlClaimLedger(self.session))  # type: ignore[assignment]
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
        # The session's identity map is the set of aggregates this transaction has seen, with
        # the new jobs written beside it (new_jobs.py).
        assert self.session is not None
        seen = [o for o in self.session.identity_map.values() if isinstance(o, EmailJob)]
        return seen + [job for job in new_jobs(self.session) if job not in seen]

    def _commit(self) -> None:
        assert self.session is not None, "commit() outside `with uow:`"
        try:
            with translated():
                attach_changed_new_jobs(self.session)
                self._write_checkpoints()
                self.session.commit()
        except Exception:
            self._rollback_keeping_objects()
            raise

    def _write_checkpoints(self) -> None:
        """Jobs whose only changes are checkpoint columns: one prebuilt UPDATE each under the
        version compare-and-set (checkpoints.py) instead of an ORM flush."""
        assert self.session is not None
        for job in self._seen_jobs():
            changes = checkpoint_changes(job)
            if changes is not None:
                write_checkpoint(self.session, job, changes)

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
