"""A job with everything on it survives the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from adapters.sqlalchemy import counters
from adapters.sqlalchemy.orm import job_history
from domain.errors import ErrorInfo
from domain.extraction import Extraction, Match, MatchCandidate
from domain.model import EmailJob
from domain.retry_policy import RetryPolicy
from domain.values import Attachment, JobStatus
from tests.fakes import FakeClock
from tests.unit.conftest import make_email


def test_job_round_trip_with_history_and_values(uow_factory):
    clock = FakeClock()
    now = clock.now()
    email = make_email(attachments=(Attachment("https://z/r.pdf", "r.pdf", "application/pdf", 12),))
    job = EmailJob("11111111-1111-1111-1111-111111111111", email, received_at=now)
    job.enqueue(now)
    job.start(now, timedelta(seconds=600))
    job.record_cleaned_body("Forderung 812,40 EUR", now)
    extraction = Extraction(
        True, "Jana", "2024/1187", "Telekom", "KD-1", Decimal("812.40"), "EUR", 0.9, "rules"
    )
    job.record_extraction(extraction, now)
    match = Match(0.95, "M-1", "C-1", (MatchCandidate("M-1", "C-1", 0.95),))
    job.record_match(match, now)
    job.fail_attempt(ErrorInfo.transient("RateLimitError", "429"), now, RetryPolicy(jitter=0))
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.commit()

    with uow_factory() as uow:
        loaded = uow.jobs.get(job.id)
    assert loaded is not job
    assert loaded.status is JobStatus.QUEUED
    assert loaded.attachments == list(email.attachments)
    assert loaded.extraction == extraction
    assert loaded.match == match
    assert loaded.last_error == ErrorInfo.transient("RateLimitError", "429")
    assert loaded.received_at == now and loaded.received_at.tzinfo is not None
    assert loaded.next_attempt_at == now + timedelta(seconds=15)
    assert [(h.from_status, h.to_status, h.attempt) for h in loaded.history] == [
        (JobStatus.RECEIVED, JobStatus.QUEUED, 0),
        (JobStatus.QUEUED, JobStatus.PROCESSING, 1),
        (JobStatus.PROCESSING, JobStatus.QUEUED, 1),
    ]
    assert loaded.history[-1].error.type == "RateLimitError"
    assert loaded.events == []
    assert loaded.version == 1


def test_a_new_job_is_written_once_and_stays_usable_afterwards(uow_factory, engine, queue):
    """add() writes a new job with Core INSERTs (new_jobs.py): the rows, the counts and the
    event are those the ORM flush gave, and the same object can go on (a versioned UPDATE,
    its history appended, nothing written twice)."""
    clock = FakeClock()
    job = EmailJob("22222222-2222-2222-2222-222222222222", make_email(), received_at=clock.now())
    job.enqueue(clock.now())
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.commit()
    assert queue.tasks and job.events == [] and job.version == 1

    with uow_factory() as uow:
        uow.jobs.resume(job)
        job.start(clock.now(), timedelta(seconds=60))
        uow.commit()
    assert job.version == 2

    with engine.connect() as conn:
        history = conn.execute(
            select(job_history.c.from_status, job_history.c.to_status)
            .where(job_history.c.job_id == job.id)
            .order_by(job_history.c.id)
        ).all()
        counts = counters.status_counts(conn)
    assert [tuple(row) for row in history] == [("received", "queued"), ("queued", "processing")]
    assert counts["queued"] == 0 and counts["processing"] == 1
    with uow_factory() as uow:
        loaded = uow.jobs.get(job.id)
    assert loaded.version == 2 and loaded.status is JobStatus.PROCESSING
