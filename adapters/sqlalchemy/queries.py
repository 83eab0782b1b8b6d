"""Read side for the API and CLI: job lists with counts, one job, health ping."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session, defer, raiseload, sessionmaker

from adapters.sqlalchemy.counters import status_counts
from adapters.sqlalchemy.engine import read_only
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.orm import StoredEmailJob, email_jobs, start_mappers
from adapters.sqlalchemy.repository import with_history
from application.ports import JobPage, JobQueries
from domain.model import EmailJob
from domain.values import JobStatus


def _list_view() -> tuple:
    """What the list leaves out (SPEC §4: no history, extraction, match; bodies never): not
    read at all, and a loud error rather than a wrong value should a caller still reach for it.
    (Bodies are the bulk of a row: 50 of them per page were read only to be dropped.)"""
    unread = ("body_html", "body_text", "cleaned_body", "attachment_texts", "extraction", "match")
    return (
        *(defer(getattr(StoredEmailJob, name), raiseload=True) for name in unread),
        raiseload(StoredEmailJob.decisions),
    )


class SqlJobQueries(JobQueries):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        start_mappers()
        self._session_factory = read_only(session_factory)
        self._list_view = _list_view()

    def list_jobs(self, status: JobStatus | None, limit: int, offset: int) -> JobPage:
        with translated(), self._session_factory() as session:
            # O(1): the counters kept in the same transaction as every transition.
            counts = status_counts(session.connection())
            stmt = (
                select(StoredEmailJob)
                .options(*self._list_view)
                .order_by(email_jobs.c.received_at.desc(), email_jobs.c.id.desc())
            )
            if status is not None:
                stmt = stmt.where(email_jobs.c.status == status)
            items = list(session.scalars(stmt.limit(limit).offset(offset)))
            total = counts[status.value] if status is not None else sum(counts.values())
            session.expunge_all()
        return JobPage(items=items, total=total, limit=limit, offset=offset, status_counts=counts)

    def get_job(self, job_id: str) -> EmailJob | None:
        with translated(), self._session_factory() as session:
            job = session.get(StoredEmailJob, job_id, options=[with_history()])
            session.expunge_all()
        return job

    def ids_by_status(self, status: JobStatus) -> list[str]:
        with translated(), self._session_factory() as session:
            stmt = select(email_jobs.c.id).where(email_jobs.c.status == status)
            return list(session.scalars(stmt.order_by(email_jobs.c.received_at)))

    def ping(self) -> None:
        with translated(), self._session_factory() as session:
            session.execute(text("SELECT 1"))
