"""ProcessEmail: the attempt pipeline, retries, checkpoints, exactly one claimer (SPEC §2, §3, §5.3-4)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest

from application.dispatcher import queue_dispatcher
from application.process_email import ProcessEmail, ProcessingSettings
from domain.errors import PermanentError, TransientError
from domain.extraction import Extraction
from domain.values import JobStatus, Outcome
from tests.fakes import ExactSimilarity, FakeUnitOfWork
from tests.unit.conftest import CREDITOR_REPLY


def due(world, job_id):
    job = world.job(job_id)
    if job.next_attempt_at and job.next_attempt_at > world.clock.now():
        world.clock.current = job.next_attempt_at


def test_matched_email_writes_one_claim_completes_and_notifies(world):
    job_id = world.received_job()
    result = world.process(job_id)
    job = world.job(job_id)
    assert result.claimed and result.outcome == "matched"
    assert job.status is JobStatus.COMPLETED and job.outcome is Outcome.MATCHED
    assert job.cleaned_body == "Die Forderung beträgt 812,40 EUR."
    assert job.extraction == CREDITOR_REPLY
    assert (job.match.client_id, job.match.creditor_id) == ("M-1", "C-1")
    [claim] = world.db.claims.values()
    assert (claim.job_id, claim.client_id, claim.creditor_id) == (job_id, "M-1", "C-1")
    assert (claim.amount, claim.currency) == (Decimal("812.40"), "EUR")
    assert [t.name for t in world.queue.tasks] == ["process", "mirror", "match_notice"]
    assert world.queue.named("mirror")[0].arg == claim.idempotency_key


def test_not_a_creditor_reply_completes_without_matching(world):
    world.extractor.result = Extraction(is_creditor_reply=False, extractor="fake")
    job_id = world.received_job()
    world.process(job_id)
    job = world.job(job_id)
    assert job.outcome is Outcome.NOT_CREDITOR_REPLY
    assert job.match is None and world.directory.calls == 0
    assert world.db.claims == {}


def test_below_threshold_needs_review_with_candidates_and_no_claim(world):
    world.extractor.result = Extraction(
        is_creditor_reply=True,
        client_name="Jana Hofmann",
        claim_amount=Decimal("1"),
        extractor="fake",
    )
    job_id = world.received_job()
    world.process(job_id)
    job = world.job(job_id)
    assert job.outcome is Outcome.NEEDS_REVIEW
    assert job.match is not None and not job.match.is_auto_match
    assert world.db.claims == {}
    assert world.queue.named("match_notice") == []


def test_auto_match_without_an_amount_needs_review(world):
    world.extractor.result = Extraction(
        is_creditor_reply=True,
        client_reference="2024/1187",
        creditor_reference="KD-4471-2290",
        extractor="fake",
    )
    job_id = world.received_job()
    world.process(job_id)
    assert world.job(job_id).outcome is Outcome.NEEDS_REVIEW
    assert world.db.claims == {}


@pytest.mark.parametrize("amount", ["10000000000.00", "12.345", "-5.00", "Infinity"])
def test_an_amount_the_ledger_cannot_hold_needs_review_instead_of_failing(world, amount):
    # Before: NUMERIC overflow on PostgreSQL was a transient DataError, retried six times.
    world.extractor.result = dataclasses.replace(CREDITOR_REPLY, claim_amount=Decimal(amount))
    job_id = world.received_job()
    world.process(job_id)
    job = world.job(job_id)
    assert (job.status, job.outcome) == (JobStatus.COMPLETED, Outcome.NEEDS_REVIEW)
    assert world.db.claims == {}


def test_transient_error_requeues_with_backoff_and_no_alert(world):
    job_id = world.received_job()
    world.extractor.errors.append(TransientError("429", "RateLimitError"))
    result = world.process(job_id)
    job = world.job(job_id)
    assert result.status == "queued"
    assert job.next_attempt_at == world.clock.now() + timedelta(seconds=15)
    assert job.last_error.type == "RateLimitError"
    retry = world.queue.tasks[-1]
    assert (retry.name, retry.eta) == ("process", job.next_attempt_at)
    assert world.queue.named("alert") == []


def test_retry_after_backoff_completes(world):
    job_id = world.received_job()
    world.extractor.errors.append(TimeoutError("read timed out"))
    world.process(job_id)
    assert world.process(job_id).claimed is False, "not due yet: the early message is a no-op"
    due(world, job_id)
    world.process(job_id)
    job = world.job(job_id)
    assert job.status is JobStatus.COMPLETED and job.attempts == 2


def test_alert_sent_only_after_retries_exhausted(world):
    job_id = world.received_job()
    world.extractor.errors.extend(ConnectionError("down") for _ in range(6))
    for attempt in range(1, 7):
        due(world, job_id)
        world.process(job_id)
        status = world.job(job_id).status
        alerts = world.queue.named("alert")
        if attempt < 6:
            assert status is JobStatus.QUEUED and alerts == [], f"alert after attempt {attempt}"
    assert world.job(job_id).status is JobStatus.FAILED
    assert world.job(job_id).attempts == 6
    assert [t.arg for t in world.queue.named("alert")] == [job_id]


def test_permanent_error_fails_at_once(world):
    job_id = world.received_job()
    world.extractor.errors.append(PermanentError("invalid x-api-key", "AuthenticationError"))
    world.process(job_id)
    job = world.job(job_id)
    assert job.status is JobStatus.FAILED and job.attempts == 1
    assert job.last_error.kind.value == "permanent"
    assert len(world.queue.named("alert")) == 1


def test_value_error_from_a_bug_is_permanent(world):
    job_id = world.received_job()
    world.directory.errors.append(KeyError("client_id"))
    world.process(job_id)
    assert world.job(job_id).status is JobStatus.FAILED


def test_retry_after_a_late_error_does_not_extract_again(world):
    job_id = world.received_job()
    world.directory.errors.append(TransientError("directory timeout"))
    world.process(job_id)
    job = world.job(job_id)
    assert job.status is JobStatus.QUEUED
    assert job.extraction == CREDITOR_REPLY, "checkpointed before the failing step"
    due(world, job_id)
    world.process(job_id)
    assert world.job(job_id).status is JobStatus.COMPLETED
    assert world.extractor.calls == 1
    assert world.parser.calls == 1


def test_duplicate_task_message_is_a_no_op(world):
    job_id = world.received_job()
    world.process(job_id)
    commits = world.db.commits
    result = world.process(job_id)
    assert result.claimed is False
    assert world.db.commits == commits
    assert world.extractor.calls == 1
    assert len(world.db.claims) == 1


def test_missing_job_is_a_no_op(world):
    assert world.process("no-such-job").claimed is False


def test_row_locked_by_another_claimer_is_skipped(world):
    job_id = world.received_job()
    world.db.locked.add(job_id)
    assert world.process(job_id).claimed is False
    assert world.job(job_id).status is JobStatus.QUEUED


def process_on(world, uow_factory=None, extractor=None) -> ProcessEmail:
    """A second worker's ProcessEmail on the same world, with its own unit of work or extractor."""
    return ProcessEmail(
        uow_factory or world.uow,
        world.clock,
        world.parser,
        extractor or world.extractor,
        world.directory,
        ExactSimilarity(),
        world.policy,
        ProcessingSettings(lease=timedelta(seconds=600)),
    )


def test_only_one_of_two_racing_claimers_wins(world):
    """Both workers read the queued job; the version compare-and-set lets one claim it."""
    job_id = world.received_job()
    other = []

    class RacingUnitOfWork(FakeUnitOfWork):
        def commit(self, **options):
            job = self.jobs.seen.get(job_id)
            if job is not None and job.status is JobStatus.PROCESSING and not other:
                other.append(world.process(job_id))  # the other worker claims in between
            super().commit(**options)

    late = process_on(world, lambda: RacingUnitOfWork(world.db, queue_dispatcher(world.queue)))
    result = late(job_id)
    assert other[0].claimed and other[0].outcome == "matched"
    assert result.claimed is False, "the late claimer's commit was refused"
    job = world.job(job_id)
    assert job.status is JobStatus.COMPLETED and job.attempts == 1
    assert world.extractor.calls == 1 and len(world.db.claims) == 1


def _process_with(world, extractor_hook):
    """A ProcessEmail whose extractor runs `extractor_hook` mid-attempt."""

    class HookedExtractor(type(world.extractor)):
        def extract(self, *args):
            extractor_hook()
            return super().extract(*args)

    return process_on(world, extractor=HookedExtractor(CREDITOR_REPLY))


def test_worker_that_lost_its_lease_cannot_commit_or_write_a_claim(world):
    job_id = world.received_job()

    def lose_the_lease():
        # The worker stalls past its lease; the sweep re-queues and another worker completes it.
        world.clock.advance(601)
        world.recover()
        due(world, job_id)
        world.process(job_id)

    result = _process_with(world, lose_the_lease)(job_id)
    assert result.claimed and result.status is None
    job = world.job(job_id)
    assert job.status is JobStatus.COMPLETED and job.attempts == 2
    assert len(world.db.claims) == 1, "the late worker wrote no second claim"


def test_late_commit_racing_the_sweep_is_rejected_by_version(world):
    """The sweep commits between the worker's read and its commit: stale version."""
    job_id = world.received_job()
    original_commit = FakeUnitOfWork.commit
    state = {"swept": False}

    class RacingUnitOfWork(FakeUnitOfWork):
        def commit(self, **options):
            job = self.jobs.seen.get(job_id)
            if job is not None and job.status is JobStatus.COMPLETED and not state["swept"]:
                state["swept"] = True
                world.clock.advance(601)
                world.recover()
            original_commit(self, **options)

    process = process_on(world, lambda: RacingUnitOfWork(world.db, queue_dispatcher(world.queue)))
    process(job_id)
    job = world.job(job_id)
    assert state["swept"]
    assert job.status is JobStatus.QUEUED, "the sweep's re-queue stands"
    assert world.db.claims == {}, "the rejected commit left no claim row"


def test_database_down_while_recording_a_failure_leaves_the_job_to_the_sweep(world):
    job_id = world.received_job()

    def database_goes_down():
        world.db.available = False

    process = _process_with(world, database_goes_down)
    try:
        process(job_id)
    except Exception as exc:  # noqa: BLE001 - the worker task logs it
        assert type(exc).__name__ == "StorageUnavailable"
    world.db.available = True
    job = world.job(job_id)
    assert job.status is JobStatus.PROCESSING
    world.clock.advance(601)
    world.recover()
    assert world.job(job_id).status is JobStatus.QUEUED
