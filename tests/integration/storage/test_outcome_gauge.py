"""The outcome gauge (completed jobs by outcome) follows completions and review decisions in
the same transaction, agrees with a recount, and is what the dashboard shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from adapters.sqlalchemy import counters
from adapters.sqlalchemy.console_queries import SqlConsoleQueries
from adapters.sqlalchemy.counts_store import SqlCountsCheck
from adapters.sqlalchemy.orm import email_jobs
from adapters.sqlalchemy.outcome_gauge import COMPLETED_OUTCOMES
from domain.values import JobStatus, Outcome
from tests.fakes import FakeClock
from tests.integration.storage.test_job_counters import LEASE, change, receive


def recounted(engine) -> dict[str, int]:
    c = email_jobs.c
    grouped = (
        select(c.outcome, func.count()).where(c.status == JobStatus.COMPLETED).group_by(c.outcome)
    )
    with engine.connect() as conn:
        return {str(outcome): n for outcome, n in conn.execute(grouped) if outcome is not None}


def gauge(engine) -> dict[str, int]:
    with engine.connect() as conn:
        stored = counters.read_counters(conn, [COMPLETED_OUTCOMES])
    return {label: count for (_name, label), (count, _total) in stored.items() if count}


def completed(uow_factory, n: int, outcome: Outcome) -> str:
    now = FakeClock().now()
    job_id = receive(uow_factory, n)
    assert change(uow_factory, job_id, lambda job: job.start(now, LEASE))
    assert change(uow_factory, job_id, lambda job: job.complete(now, outcome))
    return job_id


def test_outcome_gauge_follows_completions_and_review_decisions(
    uow_factory, session_factory, engine
):
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    review = [completed(uow_factory, n, Outcome.NEEDS_REVIEW) for n in range(3)]
    matched = completed(uow_factory, 3, Outcome.MATCHED)
    receive(uow_factory, 4)  # queued: no outcome
    assert gauge(engine) == recounted(engine) == {"needs_review": 3, "matched": 1}

    # A decision changes the outcome of a completed job: the gauge moves with it.
    assert change(uow_factory, review[0], lambda job: job.resolve_review(None, "alice", now))
    assert change(uow_factory, matched, lambda job: job.reopen_review("alice", now))
    # A decision rolled back moves nothing.
    with uow_factory() as uow:
        uow.jobs.get_for_claim(review[1]).resolve_review(None, "bob", now)
        uow.rollback()
    expected = {"needs_review": 3, "not_creditor_reply": 1}
    assert gauge(engine) == recounted(engine) == expected

    dashboard = SqlConsoleQueries(session_factory).dashboard_counts(now + timedelta(hours=1))
    assert dashboard.outcome_counts == expected
    assert dashboard.status_counts["completed"] == 4
    assert dashboard.status_counts["queued"] == 1
    assert dashboard.open_reviews == 3
    assert dashboard.oldest_open_review_at is not None
    assert SqlCountsCheck(session_factory).verify(repair=False) == []


def test_verify_counts_repairs_the_outcome_gauge(uow_factory, session_factory, engine):
    completed(uow_factory, 0, Outcome.MATCHED)
    with engine.begin() as conn:  # drift past the mapping
        conn.execute(update(email_jobs).values(outcome="not_creditor_reply"))
    check = SqlCountsCheck(session_factory)
    found = {(m.name, m.label, m.stored, m.actual) for m in check.verify(repair=True)}
    assert found == {
        (COMPLETED_OUTCOMES, "matched", 1, 0),
        (COMPLETED_OUTCOMES, "not_creditor_reply", 0, 1),
    }
    assert gauge(engine) == recounted(engine) == {"not_creditor_reply": 1}
