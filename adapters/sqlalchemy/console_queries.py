"""Read side of the web console (SPEC §9): plain rows and counts, no aggregates loaded."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Integer, Text, bindparam, cast, false, func, or_, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy import counters, outcome_gauge
from adapters.sqlalchemy.console_detail import load_job_detail
from adapters.sqlalchemy.console_tables import maintenance_runs
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.orm import (
    claim_updates,
    email_jobs,
    reconciliation_reports,
)
from application.console.operator_actions import SWEEP_RUN_NAME
from application.console.ports import ConsoleQueries
from application.console.views import (
    Cursor,
    DashboardCounts,
    JobDetail,
    JobFilter,
    JobRow,
)
from domain.values import JobStatus

_ROW_COLUMNS = (
    email_jobs.c.id,
    email_jobs.c.ticket_id,
    email_jobs.c.from_email,
    email_jobs.c.subject,
    email_jobs.c.status,
    email_jobs.c.outcome,
    email_jobs.c.attempts,
    email_jobs.c.received_at,
    email_jobs.c.completed_at,
    email_jobs.c.last_error,
    email_jobs.c.review_status,
)
_MAX_TICKET_ID = 2**63 - 1


def _row(row) -> JobRow:
    return JobRow(
        id=row.id,
        ticket_id=row.ticket_id,
        from_email=row.from_email,
        subject=row.subject,
        status=str(row.status),
        outcome=str(row.outcome) if row.outcome else None,
        attempts=row.attempts,
        received_at=row.received_at,
        completed_at=row.completed_at,
        error_type=row.last_error.type if row.last_error else None,
        review_status=row.review_status,
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(job_filter: JobFilter) -> list:
    c = email_jobs.c
    conditions: list = []
    if job_filter.status:
        conditions.append(c.status == JobStatus(job_filter.status))
    if job_filter.outcome:
        conditions.append(c.outcome == job_filter.outcome)
    if job_filter.received_from:
        conditions.append(c.received_at >= job_filter.received_from)
    if job_filter.received_to:
        conditions.append(c.received_at < job_filter.received_to)
    if job_filter.q:
        # Ticket id, sender, subject, file numbers (in the extraction) and the error type.
        pattern = _like(job_filter.q)
        text_match = [
            c.from_email.ilike(pattern, escape="\\"),
            c.subject.ilike(pattern, escape="\\"),
            cast(c.extraction, Text).ilike(pattern, escape="\\"),
            cast(c.last_error, Text).ilike(pattern, escape="\\"),
        ]
        if job_filter.q.isdigit() and int(job_filter.q) <= _MAX_TICKET_ID:
            text_match.append(c.ticket_id == cast(int(job_filter.q), Integer))
        conditions.append(or_(*text_match))
    return conditions


class SqlConsoleQueries(ConsoleQueries):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def dashboard_counts(self, now: datetime) -> DashboardCounts:
        c = email_jobs.c
        with translated(), self._session_factory() as session:
            # O(1): the gauges kept with every transition (counters.py, outcome_gauge.py).
            gauges = counters.read_counters(
                session.connection(),
                [counters.JOBS, counters.REVIEWS_OPEN, outcome_gauge.COMPLETED_OUTCOMES],
            )
            status_counts = {s.value: 0 for s in JobStatus}
            outcome_counts: dict[str, int] = {}
            for (name, label), (count, _total) in gauges.items():
                if name == counters.JOBS and label in status_counts:
                    status_counts[label] = count
                elif name == outcome_gauge.COMPLETED_OUTCOMES and count:
                    outcome_counts[label] = count
            open_reviews = gauges.get((counters.REVIEWS_OPEN, ""), (0, 0.0))[0]
            oldest = session.scalar(
                select(func.min(c.received_at)).where(counters.open_review_condition())
            )
            # Partial index on failed jobs' updated_at (migration 0010): O(failures that day).
            failed_recently = session.scalar(
                select(func.count()).where(
                    c.status == JobStatus.FAILED, c.updated_at >= now - timedelta(hours=24)
                )
            )
            unmirrored = session.scalar(
                select(func.count()).where(claim_updates.c.mirrored_at.is_(None))
            )
            report = session.execute(
                select(reconciliation_reports)
                .order_by(reconciliation_reports.c.started_at.desc())
                .limit(1)
            ).first()
            last_sweep_at = session.scalar(
                select(maintenance_runs.c.last_run_at).where(
                    maintenance_runs.c.name == SWEEP_RUN_NAME
                )
            )
        return DashboardCounts(
            status_counts=status_counts,
            outcome_counts=outcome_counts,
            open_reviews=open_reviews or 0,
            oldest_open_review_at=oldest,
            failed_last_24h=failed_recently or 0,
            unmirrored_claims=unmirrored or 0,
            last_reconciliation=dict(report._mapping) if report else None,
            last_sweep_at=last_sweep_at,
        )

    def activity_since(self, since: datetime) -> tuple[list[datetime], list[datetime]]:
        c = email_jobs.c
        with translated(), self._session_factory() as session:
            received = list(session.scalars(select(c.received_at).where(c.received_at >= since)))
            completed = list(session.scalars(select(c.completed_at).where(c.completed_at >= since)))
        return received, completed

    def job_rows(
        self, job_filter: JobFilter, after: Cursor | None, limit: int, newest_first: bool
    ) -> list[JobRow]:
        c = email_jobs.c
        conditions = _conditions(job_filter)
        if after is not None:
            # A row-value comparison, so PostgreSQL walks ix_email_jobs_received_at_id from the
            # cursor (an OR of the two columns made it filter ~1M rows for a deep page).
            position = tuple_(
                bindparam(None, after.received_at, type_=c.received_at.type),
                bindparam(None, after.job_id, type_=c.id.type),
            )
            keys = tuple_(c.received_at, c.id)
            conditions.append(keys < position if newest_first else keys > position)
        order = (c.received_at.desc(), c.id.desc()) if newest_first else (c.received_at, c.id)
        stmt = select(*_ROW_COLUMNS).where(*conditions).order_by(*order).limit(limit)
        with translated(), self._session_factory() as session:
            return [_row(row) for row in session.execute(stmt)]

    def _failed(self, job_filter: JobFilter) -> list:
        if job_filter.status and job_filter.status != JobStatus.FAILED.value:
            return [false()]
        return [*_conditions(job_filter), email_jobs.c.status == JobStatus.FAILED]

    def failed_job_ids(self, job_filter: JobFilter, limit: int) -> list[str]:
        stmt = (
            select(email_jobs.c.id)
            .where(*self._failed(job_filter))
            .order_by(email_jobs.c.received_at, email_jobs.c.id)
            .limit(limit)
        )
        with translated(), self._session_factory() as session:
            return list(session.scalars(stmt))

    def count_failed(self, job_filter: JobFilter) -> int:
        stmt = select(func.count()).select_from(email_jobs).where(*self._failed(job_filter))
        with translated(), self._session_factory() as session:
            return session.scalar(stmt) or 0

    def open_review_ids(self, limit: int) -> list[str]:
        c = email_jobs.c
        stmt = (
            select(c.id).where(c.review_status == "open").order_by(c.received_at, c.id).limit(limit)
        )
        with translated(), self._session_factory() as session:
            return list(session.scalars(stmt))

    def job_detail(self, job_id: str, with_body: bool) -> JobDetail | None:
        with translated(), self._session_factory() as session:
            return load_job_detail(session, job_id, with_body)
