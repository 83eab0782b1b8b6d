"""Reading, checking and repairing the SQL job counters (see counters.py for how they change).

- `SqlOperationalCounters`: the OperationalCounters port (counts that are not transitions).
- `SqlCountsCheck`: `flask jobs verify-counts` — recount the gauges from `email_jobs` and
  repair the table, atomically with respect to concurrent transitions.
- `SqlMetricsSource`: what `/metrics` reads at scrape time (O(1) in the number of jobs).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy import counters
from adapters.sqlalchemy.engine import read_only
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.orm import claim_updates, email_jobs
from adapters.sqlalchemy.outcome_gauge import COMPLETED_OUTCOMES
from application.ports import OperationalCounters
from domain.values import JobStatus, Outcome

log = logging.getLogger(__name__)


class SqlOperationalCounters(OperationalCounters):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def failure_alert_sent(self) -> None:
        self._add(counters.ALERTS_SENT, "", 1)

    def jobs_requeued(self, count: int) -> None:
        if count > 0:
            self._add(counters.RECOVERED, "requeued", count)

    def _add(self, name: str, label: str, count: int) -> None:
        try:
            with self._session_factory() as session, session.begin():
                counters.apply_deltas(session.connection(), [((name, label), count, 0.0)])
        except Exception as exc:  # noqa: BLE001 - a lost count must not fail the counted work
            log.warning("counter_not_recorded", extra={"counter": name, "error": str(exc)})


@dataclass(frozen=True)
class CountMismatch:
    name: str
    label: str
    stored: int
    actual: int


def _actual_gauges(session: Session) -> dict[tuple[str, str], int]:
    actual = {(counters.JOBS, status.value): 0 for status in JobStatus}
    jobs = email_jobs.c
    # One pass for the status and the outcome gauge (outcome_gauge.py: completed jobs only).
    grouped = select(jobs.status, jobs.outcome, func.count()).group_by(jobs.status, jobs.outcome)
    for status, outcome, count in session.execute(grouped):
        actual[(counters.JOBS, JobStatus(status).value)] += count
        if JobStatus(status) is JobStatus.COMPLETED and outcome is not None:
            actual[(COMPLETED_OUTCOMES, Outcome(outcome).value)] = count
    in_review = select(func.count()).where(counters.open_review_condition())
    actual[(counters.REVIEWS_OPEN, "")] = session.scalar(in_review) or 0
    return actual


class SqlCountsCheck:
    """Recount the gauges (status counts, open reviews) and optionally repair them.

    The recount and the repair run in one transaction that keeps job writers out (SQLite:
    BEGIN IMMEDIATE, as every transaction here; PostgreSQL: a SHARE lock on email_jobs), so a
    transition cannot slip in between counting and writing. Counters (totals, histograms)
    cannot be recounted from the jobs and are left as they are.
    """

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def verify(self, repair: bool) -> list[CountMismatch]:
        with translated(), self._session_factory() as session:
            connection = session.connection()
            if connection.dialect.name == "postgresql":
                session.execute(text("LOCK TABLE email_jobs IN SHARE MODE"))
            stored = {
                key: count
                for key, (count, _total) in counters.read_counters(
                    connection, counters.GAUGES
                ).items()
            }
            actual = _actual_gauges(session)
            mismatches = [
                CountMismatch(
                    name, label, stored.get((name, label), 0), actual.get((name, label), 0)
                )
                for name, label in sorted(set(actual) | set(stored))
                if stored.get((name, label), 0) != actual.get((name, label), 0)
            ]
            if repair and mismatches:
                table = counters.job_counters
                session.execute(delete(table).where(table.c.name.in_(counters.GAUGES)))
                rows = [(key, count, 0.0) for key, count in sorted(actual.items()) if count]
                counters.apply_deltas(connection, rows, shard=0)
                session.commit()
            else:
                session.rollback()
        return mismatches


@dataclass(frozen=True)
class MetricsSnapshot:
    counters: dict[tuple[str, str], tuple[int, float]]
    # seconds since the oldest job of each kind began waiting (None: there is none)
    oldest_age_seconds: dict[str, float | None]
    unmirrored_claims: int | None


class SqlMetricsSource:
    """Everything /metrics shows about jobs, from a few index-backed reads."""

    def __init__(self, session_factory: sessionmaker[Session], mirror_configured: bool) -> None:
        self._session_factory = read_only(session_factory)
        self._mirror_configured = mirror_configured

    def snapshot(self, now: datetime) -> MetricsSnapshot:
        jobs = email_jobs.c

        def oldest(column, *conditions):
            return select(func.min(column)).where(*conditions).scalar_subquery()

        # One round trip; each min() is the first entry of a small (partial) index, whatever
        # the number of jobs (migration 0010). Queued: waiting since queued_at, or since a
        # retry became due (not yet due: not waiting). An open review waits since the email
        # came in (the review queue's order).
        ages = [
            oldest(jobs.queued_at, jobs.status == JobStatus.QUEUED, jobs.next_attempt_at.is_(None)),
            oldest(
                jobs.next_attempt_at,
                jobs.status == JobStatus.QUEUED,
                jobs.next_attempt_at <= now,
            ),
            oldest(jobs.started_at, jobs.status == JobStatus.PROCESSING),
            oldest(jobs.received_at, counters.open_review_condition()),
        ]
        if self._mirror_configured:
            unmirrored_count = select(func.count()).where(claim_updates.c.mirrored_at.is_(None))
            ages.append(unmirrored_count.scalar_subquery())
        with translated(), self._session_factory() as session:
            values = counters.read_counters(session.connection())
            row = session.execute(select(*ages)).one()
        fresh, due, started, review = row[:4]
        unmirrored = row[4] if self._mirror_configured else None
        waiting = [t for t in (fresh, due) if t is not None]
        return MetricsSnapshot(
            counters=values,
            oldest_age_seconds={
                "queued": _age(now, min(waiting) if waiting else None),
                "processing": _age(now, started),
                "review": _age(now, review),
            },
            unmirrored_claims=unmirrored,
        )


def _age(now: datetime, since: datetime | None) -> float | None:
    return None if since is None else max((now - since).total_seconds(), 0.0)
