"""The SQL job counters follow every transition in its own transaction, on both databases,
also under concurrent transitions; verify-counts finds and repairs drift."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select, update

from adapters.sqlalchemy import counters
from adapters.sqlalchemy.counts_store import SqlCountsCheck, SqlOperationalCounters
from adapters.sqlalchemy.orm import email_jobs
from adapters.sqlalchemy.queries import SqlJobQueries
from application.ports import ConcurrencyConflict
from application.receive_email import ReceiveEmail
from domain.errors import ErrorInfo
from domain.retry_policy import RetryPolicy
from domain.values import JobStatus, Outcome
from tests.fakes import FakeClock
from tests.unit.conftest import make_email

LEASE = timedelta(seconds=60)
POLICY = RetryPolicy(max_retries=1, jitter=0)


def receive(uow_factory, n: int) -> str:
    return ReceiveEmail(uow_factory, FakeClock())(make_email(n)).job_id


def change(uow_factory, job_id: str, action) -> bool:
    """Apply `action(job)` in one unit of work; False when the commit lost a race."""
    with uow_factory() as uow:
        job = uow.jobs.get_for_claim(job_id)
        if job is None:
            return False
        action(job)
        try:
            uow.commit()
        except ConcurrencyConflict:
            return False
    return True


def actual_counts(engine) -> dict[str, int]:
    counts = {status.value: 0 for status in JobStatus}
    with engine.connect() as conn:
        grouped = select(email_jobs.c.status, func.count()).group_by(email_jobs.c.status)
        for status, count in conn.execute(grouped):
            counts[status] = count
    return counts


def stored(engine) -> dict[tuple[str, str], tuple[int, float]]:
    with engine.connect() as conn:
        return counters.read_counters(conn)


def test_counts_follow_every_transition_and_rollbacks_count_nothing(
    uow_factory, session_factory, engine
):
    clock = FakeClock()
    now = clock.now()
    ids = [receive(uow_factory, n) for n in range(4)]
    queries = SqlJobQueries(session_factory)
    assert queries.list_jobs(None, 50, 0).status_counts["queued"] == 4

    later = now + timedelta(seconds=3)
    for job_id in ids:
        assert change(uow_factory, job_id, lambda job: job.start(later, LEASE))
    done = later + timedelta(seconds=2)
    change(uow_factory, ids[0], lambda job: job.complete(done, Outcome.MATCHED))
    change(uow_factory, ids[1], lambda job: job.complete(done, Outcome.NEEDS_REVIEW))
    boom = ErrorInfo.transient("TimeoutError", "upstream timed out")
    change(uow_factory, ids[2], lambda job: job.fail_attempt(boom, done, POLICY))
    bad = ErrorInfo.permanent("ValueError", "bad data")
    change(uow_factory, ids[3], lambda job: job.fail_attempt(bad, done, POLICY))
    # A transition that is rolled back leaves the counts alone.
    with uow_factory() as uow:
        uow.jobs.get(ids[3]).retry_manually(done)
        uow.rollback()

    page = queries.list_jobs(None, 50, 0)
    assert (
        page.status_counts
        == actual_counts(engine)
        == {
            "received": 0,
            "queued": 1,
            "processing": 0,
            "completed": 2,
            "failed": 1,
        }
    )
    assert page.total == 4
    assert queries.list_jobs(JobStatus.FAILED, 50, 0).total == 1
    values = stored(engine)
    assert values[(counters.COMPLETED, "matched")][0] == 1
    assert values[(counters.COMPLETED, "needs_review")][0] == 1
    assert values[(counters.REVIEWS_OPEN, "")][0] == 1
    assert values[(counters.ATTEMPTS_FAILED, "transient")][0] == 1
    assert values[(counters.ATTEMPTS_FAILED, "permanent")][0] == 1
    # Four waited 3 s in the queue; two took 2 s to complete.
    assert values[(counters.QUEUE_WAIT, "")] == (4, 12.0)
    assert values[(counters.QUEUE_WAIT + "_bucket", "5")][0] == 4
    assert values[(counters.PROCESSING, "matched")] == (1, 2.0)
    assert values[(counters.PROCESSING + "_bucket", "matched|2.5")][0] == 1
    assert SqlCountsCheck(session_factory).verify(repair=False) == []


def test_lease_expiry_counts_as_a_recovered_transient_failure(uow_factory, engine):
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    change(uow_factory, job_id, lambda job: job.start(clock.now(), LEASE))
    expired = clock.now() + LEASE + timedelta(seconds=1)
    assert change(uow_factory, job_id, lambda job: job.expire_lease(expired, POLICY))
    values = stored(engine)
    assert values[(counters.RECOVERED, "lease_expired")][0] == 1
    assert values[(counters.ATTEMPTS_FAILED, "transient")][0] == 1


def test_operational_counters_add_outside_transitions(session_factory, engine):
    operational = SqlOperationalCounters(session_factory)
    operational.failure_alert_sent()
    operational.jobs_requeued(3)
    operational.jobs_requeued(0)
    values = stored(engine)
    assert values[(counters.ALERTS_SENT, "")][0] == 1
    assert values[(counters.RECOVERED, "requeued")][0] == 3


def test_verify_counts_finds_and_repairs_drift(uow_factory, session_factory, engine):
    for n in range(3):
        receive(uow_factory, n)
    # Drift no transition can cause: a raw UPDATE past the mapping.
    with engine.begin() as conn:
        conn.execute(update(email_jobs).values(status="failed"))
    check = SqlCountsCheck(session_factory)
    found = check.verify(repair=False)
    assert {(m.label, m.stored, m.actual) for m in found} == {("queued", 3, 0), ("failed", 0, 3)}
    assert check.verify(repair=False)  # a dry run changes nothing
    assert check.verify(repair=True)
    assert check.verify(repair=False) == []
    assert SqlJobQueries(session_factory).list_jobs(None, 50, 0).status_counts == actual_counts(
        engine
    )


def test_concurrent_transitions_keep_the_counts_exact(uow_factory, session_factory, engine):
    """Threads race to claim, complete, fail and retry the same jobs: losers roll back and
    count nothing, winners count once; the counts equal a fresh GROUP BY."""
    ids = [receive(uow_factory, n) for n in range(30)]
    clock = FakeClock()
    barrier = threading.Barrier(6)

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        barrier.wait(timeout=30)
        for _ in range(60):
            job_id = rng.choice(ids)
            now = clock.now() + timedelta(seconds=rng.randint(0, 5))

            def step(job, now=now):
                if job.status is JobStatus.QUEUED and job.can_start(now):
                    job.start(now, LEASE)
                elif job.status is JobStatus.PROCESSING and rng.random() < 0.5:
                    job.complete(now, rng.choice(list(Outcome)))
                elif job.status is JobStatus.PROCESSING:
                    job.fail_attempt(
                        ErrorInfo.transient("E", "x"),
                        now,
                        RetryPolicy(jitter=0, min_backoff_seconds=0, max_backoff_seconds=0),
                    )
                elif job.status is JobStatus.FAILED:
                    job.retry_manually(now)

            change(uow_factory, job_id, step)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(worker, range(6)))
    counts = SqlJobQueries(session_factory).list_jobs(None, 50, 0).status_counts
    assert counts == actual_counts(engine)
    assert sum(counts.values()) == 30
    assert counts["completed"] > 0
    assert SqlCountsCheck(session_factory).verify(repair=False) == []


def test_reads_do_not_take_the_write_lock_on_sqlite(backend, uow_factory, session_factory):
    """The jobs list, polled by a dashboard, must never wait for (or hold up) the worker's
    writes: with a write transaction open, the list still answers (SQLite: DEFERRED + WAL;
    had it taken the write lock it would fail with "database is locked" after the timeout)."""
    receive(uow_factory, 1)
    writer = session_factory()
    try:
        writer.execute(update(email_jobs).values(subject="being written"))  # holds the lock
        page = SqlJobQueries(session_factory).list_jobs(None, 50, 0)
        assert page.total == 1 and page.items[0].subject != "being written"
    finally:
        writer.rollback()
        writer.close()


def test_the_old_value_of_a_changed_job_is_what_its_attribute_history_says(uow_factory):
    """counters._old reads the committed state directly instead of building each attribute's
    History (several per transition); it must give what `history.deleted` (else the current
    value) gives, for changed, unchanged, set-from-None and set-to-None attributes."""
    from sqlalchemy import inspect

    names = ("status", "outcome", "attempts", "next_attempt_at", "started_at", "lease_expires_at")
    names += ("completed_at", "last_error", "review_status", "extraction", "match")
    now = FakeClock().now()
    job_id = receive(uow_factory, 900)
    steps = [
        lambda job: job.start(now, LEASE),
        lambda job: job.fail_attempt(ErrorInfo.transient("Timeout", "slow"), now, POLICY),
        lambda job: job.start(now + timedelta(minutes=10), LEASE),
        lambda job: job.complete(now + timedelta(minutes=11), Outcome.NEEDS_REVIEW),
    ]
    for step in steps:
        with uow_factory() as uow:
            job = uow.jobs.get_for_claim(job_id)
            step(job)
            for name in names:
                history = inspect(job).attrs[name].history
                expected = history.deleted[0] if history.deleted else getattr(job, name)
                assert counters._old(job, name) == expected, name
            uow.commit()
