from decimal import Decimal

from domain.errors import PermanentError, TransientError
from domain.values import JobStatus, Outcome


def test_matched_email_writes_one_claim_and_completes(world):
    job_id = world.received_job()
    result = world.process(job_id)
    job = world.job(job_id)
    assert result.claimed
    assert job.status is JobStatus.COMPLETED
    assert job.outcome is Outcome.MATCHED
    assert len(world.db.claims) == 1
    claim = next(iter(world.db.claims.values()))
    assert (claim.client_id, claim.creditor_id, claim.amount) == ("M-1", "C-1", Decimal("812.40"))
    assert [t.name for t in world.queue.tasks] == ["process", "mirror", "match_notice"]


def test_transient_error_requeues_with_backoff(world):
    job_id = world.received_job()
    world.extractor.errors.append(TransientError("429", "RateLimitError"))
    world.process(job_id)
    job = world.job(job_id)
    assert job.status is JobStatus.QUEUED
    assert (job.next_attempt_at - world.clock.now()).total_seconds() == 15
    assert world.queue.tasks[-1].eta == job.next_attempt_at


def test_permanent_error_fails_and_alerts_once(world):
    job_id = world.received_job()
    world.extractor.errors.append(PermanentError("bad request", "BadRequestError"))
    world.process(job_id)
    assert world.job(job_id).status is JobStatus.FAILED
    assert [t.name for t in world.queue.tasks] == ["process", "alert"]
    assert world.notify_failure(job_id) is True
    assert world.notify_failure(job_id) is False
    assert len(world.notifier.sent) == 1
