"""Job counters kept in SQL, changed in the same transaction as every job transition.

One hook (`after_flush` on every ORM Session) looks at each EmailJob the flush wrote, works
out what its change means for the counters (status counts, open reviews, completions by
outcome, failed attempts by kind, queue-wait and processing-time histograms) and upserts the
deltas into `job_counters` before the transaction commits. So the list endpoint's
`status_counts` and `/metrics` read a handful of rows (O(1) in the number of jobs), and no use
case, present or future, can change a job without the counts following: whatever goes through
the ORM mapping of EmailJob is counted. The two prebuilt write paths apply the same functions
themselves in their own transaction: new jobs (new_jobs.py, `job_added`) and the transitions and
checkpoints of stored jobs (job_writes.py, `job_changed`). Any other Core `UPDATE email_jobs SET
status = …` would bypass them; there is none, and `flask jobs verify-counts` would find and
repair the drift.

Rows are spread over SHARDS slots picked per transaction, so concurrent workers rarely wait
on one hot row; each transaction writes its rows in key order, so two never deadlock.
"""

from __future__ import annotations

import functools
import random
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Integer,
    String,
    Table,
    and_,
    event,
    func,
    inspect,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.base import NO_VALUE, PASSIVE_NO_RESULT

from adapters.sqlalchemy import outcome_gauge
from adapters.sqlalchemy.orm import StoredEmailJob, email_jobs, metadata
from adapters.sqlalchemy.prebuilt import execute
from domain.errors import ErrorInfo
from domain.model import EmailJob
from domain.values import JobStatus, Outcome

SHARDS = 8
# Histogram buckets in seconds (Prometheus `le`), shared by both job histograms.
BUCKETS: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)
INF = "+Inf"

job_counters = Table(
    "job_counters",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("label", String(64), primary_key=True),
    Column("shard", Integer, primary_key=True),
    Column("count", BigInteger, nullable=False, default=0),
    Column("total", Float, nullable=False, default=0.0),
)

# Gauges (a value that goes up and down, repairable from email_jobs) and counters.
JOBS = "jobs"
REVIEWS_OPEN = "reviews_open"
COMPLETED = "jobs_completed_total"
ATTEMPTS_FAILED = "job_attempts_failed_total"
RECOVERED = "recovered_jobs_total"
ALERTS_SENT = "failure_alerts_sent_total"
QUEUE_WAIT = "job_queue_wait_seconds"
PROCESSING = "job_processing_seconds"
GAUGES = (JOBS, REVIEWS_OPEN, outcome_gauge.COMPLETED_OUTCOMES)

Key = tuple[str, str]


def bucket_label(seconds: float) -> str:
    """The smallest bucket bound that holds `seconds` (buckets are stored non-cumulative)."""
    for bound in BUCKETS:
        if seconds <= bound:
            return str(bound)
    return INF


@dataclass
class Deltas:
    counts: dict[Key, int]
    totals: dict[Key, float]

    @classmethod
    def empty(cls) -> Deltas:
        return cls(defaultdict(int), defaultdict(float))

    def add(self, name: str, label: str = "", count: int = 1, total: float = 0.0) -> None:
        self.counts[(name, label)] += count
        if total:
            self.totals[(name, label)] += total

    def observe(self, name: str, label: str, seconds: float) -> None:
        seconds = max(seconds, 0.0)
        prefix = f"{label}|" if label else ""
        self.add(f"{name}_bucket", prefix + bucket_label(seconds))
        self.add(name, label, 1, seconds)

    def nonzero(self) -> list[tuple[Key, int, float]]:
        keys = sorted(set(self.counts) | set(self.totals))
        rows = [(key, self.counts.get(key, 0), self.totals.get(key, 0.0)) for key in keys]
        return [row for row in rows if row[1] or row[2]]


# -- what a change of one job means ----------------------------------------------------------
def open_review_condition():
    """SQL condition of an open review: `review_status = 'open'` where the review queue's
    column exists, else the SPEC §8 definition (completed with outcome needs_review)."""
    jobs = email_jobs.c
    if "review_status" in jobs:
        return jobs.review_status == "open"
    return and_(jobs.status == JobStatus.COMPLETED, jobs.outcome == Outcome.NEEDS_REVIEW)


def _in_review(job: EmailJob, old: bool) -> bool:
    value = _old if old else getattr
    if _has_review_status(StoredEmailJob):
        return value(job, "review_status") == "open"
    return (
        value(job, "status") is JobStatus.COMPLETED
        and value(job, "outcome") is Outcome.NEEDS_REVIEW
    )


@functools.cache
def _has_review_status(job_class: type) -> bool:
    return "review_status" in inspect(job_class).attrs


def _old(job: EmailJob, name: str):
    """The value `name` had when the job was loaded (or last flushed): what the attribute's
    history would give as `deleted`, read from the state's committed values without building
    a History (this runs for several attributes in every transition)."""
    current = getattr(job, name)
    original = instance_state(job).committed_state.get(name, NO_VALUE)
    if original is NO_VALUE or original is PASSIVE_NO_RESULT or original == current:
        return current
    return original


def _seconds(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return (later - earlier).total_seconds()


def job_added(job: EmailJob, deltas: Deltas) -> None:
    deltas.add(JOBS, job.status.value)
    outcome_gauge.follow(deltas, None, (job.status, job.outcome))
    if _in_review(job, old=False):
        deltas.add(REVIEWS_OPEN)


def job_deleted(job: EmailJob, deltas: Deltas) -> None:
    deltas.add(JOBS, _old(job, "status").value, -1)
    outcome_gauge.follow(deltas, (_old(job, "status"), _old(job, "outcome")), None)
    if _in_review(job, old=True):
        deltas.add(REVIEWS_OPEN, "", -1)


def job_changed(job: EmailJob, deltas: Deltas) -> None:
    old_status, new_status = _old(job, "status"), job.status
    old_review = _in_review(job, old=True)
    new_review = _in_review(job, old=False)
    if old_review != new_review:
        deltas.add(REVIEWS_OPEN, "", 1 if new_review else -1)
    outcome_gauge.follow(deltas, (old_status, _old(job, "outcome")), (new_status, job.outcome))
    if old_status is not new_status:
        deltas.add(JOBS, old_status.value, -1)
        deltas.add(JOBS, new_status.value)
        _transition(job, old_status, new_status, deltas)


def _transition(job: EmailJob, old: JobStatus, new: JobStatus, deltas: Deltas) -> None:
    # Use cases commit one transition at a time, but a flush may hold several (start and
    # fail in one transaction): an attempt started here is recognised by `attempts`.
    started = job.attempts > (_old(job, "attempts") or 0)
    if started and old is JobStatus.QUEUED:
        # Waiting starts when the job became due: queued, or its retry's backoff ran out.
        moments = [t for t in (job.queued_at, _old(job, "next_attempt_at")) if t is not None]
        wait = _seconds(job.started_at, max(moments)) if moments else None
        if wait is not None:
            deltas.observe(QUEUE_WAIT, "", wait)
    ran = started or old is JobStatus.PROCESSING
    if ran and new is JobStatus.COMPLETED and job.outcome:
        deltas.add(COMPLETED, job.outcome.value)
        seconds = _seconds(job.completed_at, job.started_at)
        if seconds is not None:
            deltas.observe(PROCESSING, job.outcome.value, seconds)
    elif ran and new in (JobStatus.QUEUED, JobStatus.FAILED) and job.last_error is not None:
        error: ErrorInfo = job.last_error
        deltas.add(ATTEMPTS_FAILED, error.kind.value)
        if error.type == "LeaseExpired":
            deltas.add(RECOVERED, "lease_expired")


def deltas_of_flush(session: Session) -> Deltas:
    deltas = Deltas.empty()
    for job in session.new:
        if isinstance(job, EmailJob):
            job_added(job, deltas)
    for job in session.dirty:
        if isinstance(job, EmailJob) and session.is_modified(job, include_collections=False):
            job_changed(job, deltas)
    for job in session.deleted:
        if isinstance(job, EmailJob):
            job_deleted(job, deltas)
    return deltas


# -- writing ---------------------------------------------------------------------------------
_shard_random = random.Random()
_shard_lock = threading.Lock()


def _shard() -> int:
    with _shard_lock:
        return _shard_random.randrange(SHARDS)


_UPSERT_ROW = {"sqlite": "(?, ?, ?, ?, ?)", "postgresql": "(%s, %s, %s, %s, %s)"}


@functools.cache
def _upsert_sql(dialect: str, rows: int) -> str:
    # Plain driver SQL, built once per row count: this runs in every transition's
    # transaction (intake included), where compiling a Core upsert each time showed up as a
    # quarter of the request in the profile.
    values = ", ".join([_UPSERT_ROW[dialect]] * rows)
    return (
        "INSERT INTO job_counters (name, label, shard, count, total) VALUES " + values + " "
        "ON CONFLICT (name, label, shard) DO UPDATE SET "
        "count = job_counters.count + excluded.count, "
        "total = job_counters.total + excluded.total"
    )


def delta_arrays(rows: Iterable[tuple[Key, int, float]]) -> dict[str, object]:
    """The rows of apply_deltas as the parameters of the job statement's upsert on
    PostgreSQL (job_writes._counters_upsert): one array per column, in key order."""
    rows = sorted(rows)
    return {
        "counter_names": [name for (name, _label), _count, _total in rows],
        "counter_labels": [label for (_name, label), _count, _total in rows],
        "counter_counts": [count for _key, count, _total in rows],
        "counter_totals": [float(total) for _key, _count, total in rows],
        "counter_shard": _shard(),
    }


def apply_deltas(connection, rows: Iterable[tuple[Key, int, float]], shard: int | None = None):
    """Upsert the (name, label) deltas into one shard in one statement, rows in key order
    (so two transactions lock shared rows in the same order and never deadlock)."""
    rows = sorted(rows)
    if not rows:
        return
    shard = _shard() if shard is None else shard
    params = tuple(
        value
        for (name, label), count, total in rows
        for value in (name, label, shard, count, float(total))
    )
    execute(connection, _upsert_sql(connection.dialect.name, len(rows)), params)


def _after_flush(session: Session, _flush_context) -> None:
    deltas = deltas_of_flush(session)
    apply_deltas(session.connection(), deltas.nonzero())


_registered = False


def register_counting_hook() -> None:
    """Count every EmailJob change flushed by any ORM session (idempotent)."""
    global _registered
    if not _registered:
        event.listen(Session, "after_flush", _after_flush)
        _registered = True


# -- reading ---------------------------------------------------------------------------------
def read_counters(connection, names: Iterable[str] | None = None) -> dict[Key, tuple[int, float]]:
    """(name, label) → (count, total), summed over the shards."""
    stmt = select(
        job_counters.c.name,
        job_counters.c.label,
        func.sum(job_counters.c.count),
        func.sum(job_counters.c.total),
    ).group_by(job_counters.c.name, job_counters.c.label)
    if names is not None:
        stmt = stmt.where(job_counters.c.name.in_(list(names)))
    return {
        (name, label): (int(count or 0), float(total or 0.0))
        for name, label, count, total in connection.execute(stmt)
    }


def status_counts(connection) -> dict[str, int]:
    counts = {status.value: 0 for status in JobStatus}
    for (_name, label), (count, _total) in read_counters(connection, [JOBS]).items():
        if label in counts:
            counts[label] = count
    return counts
