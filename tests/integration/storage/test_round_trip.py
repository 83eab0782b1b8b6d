"""A job with everything on it survives the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

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
