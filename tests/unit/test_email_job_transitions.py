"""Every (state, action) pair of the EmailJob state machine (SPEC §3), table-driven."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import ErrorInfo, IllegalTransition
from domain.events import (
    ClaimWritten,
    JobCompleted,
    JobFailedPermanently,
    JobQueued,
    JobRetryScheduled,
)
from domain.model import EmailJob
from domain.retry_policy import RetryPolicy
from domain.values import JobStatus, Outcome
from tests.unit.conftest import make_email

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
LEASE = timedelta(seconds=600)
POLICY = RetryPolicy(jitter=0.0)
TRANSIENT = ErrorInfo.transient("RateLimitError", "429")


def domain_state(job: EmailJob) -> dict:
    """The job's domain attributes (without SQLAlchemy's instrumentation, if mapped)."""
    return copy.deepcopy({k: v for k, v in vars(job).items() if not k.startswith("_sa_")})


def job_in(status: JobStatus) -> EmailJob:
    """A job brought to `status`, its set-up events already pulled."""
    job = _brought_to(status)
    job.pull_events()
    return job


def _brought_to(status: JobStatus) -> EmailJob:
    job = EmailJob("job-1", make_email(), received_at=T0)
    if status is JobStatus.RECEIVED:
        return job
    job.enqueue(T0)
    if status is JobStatus.QUEUED:
        return job
    job.start(T0, LEASE)
    if status is JobStatus.PROCESSING:
        return job
    if status is JobStatus.COMPLETED:
        job.complete(T0, Outcome.MATCHED)
        return job
    job.fail_attempt(ErrorInfo.permanent("ValueError", "bad data"), T0, POLICY)
    return job


AFTER_LEASE = T0 + LEASE + timedelta(seconds=1)

ACTIONS = {
    "enqueue": lambda job: job.enqueue(T0),
    "start": lambda job: job.start(T0, LEASE),
    "complete": lambda job: job.complete(T0, Outcome.NEEDS_REVIEW),
    "fail_attempt": lambda job: job.fail_attempt(TRANSIENT, T0, POLICY),
    "expire_lease": lambda job: job.expire_lease(AFTER_LEASE, POLICY),
    "retry_manually": lambda job: job.retry_manually(T0),
}

# (state, action) → resulting state, or None when the transition is illegal.
TABLE = {
    (JobStatus.RECEIVED, "enqueue"): JobStatus.QUEUED,
    (JobStatus.QUEUED, "start"): JobStatus.PROCESSING,
    (JobStatus.PROCESSING, "complete"): JobStatus.COMPLETED,
    (JobStatus.PROCESSING, "fail_attempt"): JobStatus.QUEUED,
    (JobStatus.PROCESSING, "expire_lease"): JobStatus.QUEUED,
    (JobStatus.FAILED, "retry_manually"): JobStatus.QUEUED,
}

CASES = [(state, action, TABLE.get((state, action))) for state in JobStatus for action in ACTIONS]


@pytest.mark.parametrize(
    ("state", "action", "expected"), CASES, ids=[f"{s.value}-{a}" for s, a, _ in CASES]
)
def test_every_state_action_pair(state, action, expected):
    job = job_in(state)
    before = domain_state(job)
    if expected is None:
        with pytest.raises(IllegalTransition):
            ACTIONS[action](job)
        assert domain_state(job) == before, "a refused transition must change nothing"
    else:
        ACTIONS[action](job)
        assert job.status is expected
        assert len(job.history) == len(before["history"]) + 1
        entry = job.history[-1]
        assert (entry.from_status, entry.to_status) == (state, expected)


def test_completed_is_final():
    job = job_in(JobStatus.COMPLETED)
    for action in ACTIONS.values():
        with pytest.raises(IllegalTransition):
            action(job)
    assert job.status is JobStatus.COMPLETED


def test_enqueue_sets_queued_at():
    job = job_in(JobStatus.RECEIVED)
    job.enqueue(T0 + timedelta(seconds=3))
    assert job.queued_at == T0 + timedelta(seconds=3)


def test_start_counts_the_attempt_and_sets_the_lease():
    job = job_in(JobStatus.QUEUED)
    job.start(T0, LEASE)
    assert job.attempts == 1
    assert job.started_at == T0
    assert job.lease_expires_at == T0 + LEASE
    assert job.history[-1].attempt == 1


def test_start_refused_before_next_attempt_is_due():
    job = job_in(JobStatus.PROCESSING)
    job.fail_attempt(TRANSIENT, T0, POLICY)
    assert job.next_attempt_at == T0 + timedelta(seconds=15)
    with pytest.raises(IllegalTransition):
        job.start(T0 + timedelta(seconds=14), LEASE)
    assert job.status is JobStatus.QUEUED and job.attempts == 1
    job.start(T0 + timedelta(seconds=15), LEASE)
    assert job.status is JobStatus.PROCESSING and job.attempts == 2
    assert job.next_attempt_at is None


def test_complete_records_outcome_and_event():
    job = job_in(JobStatus.PROCESSING)
    job.complete(T0 + timedelta(seconds=2), Outcome.NOT_CREDITOR_REPLY)
    assert job.outcome is Outcome.NOT_CREDITOR_REPLY
    assert job.completed_at == T0 + timedelta(seconds=2)
    assert job.processing_seconds == 2
    assert job.lease_expires_at is None
    assert job.pull_events() == [JobCompleted("job-1", Outcome.NOT_CREDITOR_REPLY)]


def test_complete_rejects_an_unknown_outcome():
    job = job_in(JobStatus.PROCESSING)
    with pytest.raises(ValueError):
        job.complete(T0, "approved")
    assert job.status is JobStatus.PROCESSING


def test_transient_error_requeues_with_backoff():
    job = job_in(JobStatus.PROCESSING)
    job.fail_attempt(TRANSIENT, T0, POLICY)
    assert job.status is JobStatus.QUEUED
    assert job.next_attempt_at == T0 + timedelta(seconds=15)
    assert job.last_error == TRANSIENT
    assert job.history[-1].error == TRANSIENT
    assert job.pull_events() == [JobRetryScheduled("job-1", job.next_attempt_at, TRANSIENT)]


def test_permanent_error_fails_at_once_and_records_the_event():
    job = job_in(JobStatus.PROCESSING)
    error = ErrorInfo.permanent("AuthenticationError", "401")
    job.fail_attempt(error, T0, POLICY)
    assert job.status is JobStatus.FAILED
    assert job.next_attempt_at is None
    assert job.pull_events() == [JobFailedPermanently("job-1", 1, error)]


def run_attempts(job: EmailJob, count: int, now: datetime) -> datetime:
    for _ in range(count):
        now = max(now, job.next_attempt_at or now)
        job.start(now, LEASE)
        job.fail_attempt(TRANSIENT, now, POLICY)
    return now


def test_retries_exhausted_after_six_attempts():
    job = job_in(JobStatus.QUEUED)
    run_attempts(job, 5, T0)
    assert job.status is JobStatus.QUEUED and job.attempts == 5
    job.pull_events()
    run_attempts(job, 1, T0)
    assert job.status is JobStatus.FAILED and job.attempts == 6
    assert "retries exhausted" in job.history[-1].result
    assert [type(e) for e in job.pull_events()] == [JobFailedPermanently]


def test_backoff_schedule_follows_the_policy():
    job = job_in(JobStatus.QUEUED)
    delays = []
    now = T0
    for _ in range(5):
        now = max(now, job.next_attempt_at or now)
        job.start(now, LEASE)
        job.fail_attempt(TRANSIENT, now, POLICY)
        delays.append((job.next_attempt_at - now).total_seconds())
    assert delays == [15, 30, 60, 120, 240]


def test_expire_lease_refused_while_the_lease_runs():
    job = job_in(JobStatus.PROCESSING)
    with pytest.raises(IllegalTransition):
        job.expire_lease(T0 + LEASE - timedelta(seconds=1), POLICY)
    assert job.status is JobStatus.PROCESSING


def test_expired_lease_counts_as_a_transient_error():
    job = job_in(JobStatus.PROCESSING)
    job.expire_lease(T0 + LEASE, POLICY)
    assert job.status is JobStatus.QUEUED
    assert job.last_error.type == "LeaseExpired"
    assert job.history[-1].result.startswith("lease expired")


def test_expired_lease_out_of_retries_fails():
    policy = RetryPolicy(max_retries=0, jitter=0.0)
    job = job_in(JobStatus.PROCESSING)
    job.expire_lease(T0 + LEASE, policy)
    assert job.status is JobStatus.FAILED
    assert job.needs_failure_alert


def test_manual_retry_gives_a_fresh_budget_and_keeps_the_error():
    job = job_in(JobStatus.QUEUED)
    run_attempts(job, 6, T0)
    assert job.status is JobStatus.FAILED
    job.mark_failure_notified(T0)
    job.retry_manually(T0 + timedelta(hours=1))
    assert job.status is JobStatus.QUEUED
    assert job.manual_retries == 1
    assert job.failure_notified_at is None, "a new failure must alert again"
    assert job.next_attempt_at is None
    assert job.last_error == TRANSIENT
    assert job.history[-1].error == TRANSIENT
    # a full budget again: five more retries before failing
    run_attempts(job, 5, T0 + timedelta(hours=1))
    assert job.status is JobStatus.QUEUED
    run_attempts(job, 1, T0 + timedelta(hours=2))
    assert job.status is JobStatus.FAILED
    assert job.attempts == 12, "attempt numbers keep counting across manual retries"


def test_failure_alert_is_due_once():
    job = job_in(JobStatus.FAILED)
    assert job.needs_failure_alert
    job.mark_failure_notified(T0)
    assert not job.needs_failure_alert
    with pytest.raises(IllegalTransition):
        job.mark_failure_notified(T0)


def test_failure_alert_never_due_for_a_retry_or_a_completed_job():
    queued = job_in(JobStatus.PROCESSING)
    queued.fail_attempt(TRANSIENT, T0, POLICY)
    assert not queued.needs_failure_alert
    assert not job_in(JobStatus.COMPLETED).needs_failure_alert
    with pytest.raises(IllegalTransition):
        queued.mark_failure_notified(T0)


def test_is_held_by_identifies_the_running_attempt():
    job = job_in(JobStatus.PROCESSING)
    assert job.is_held_by(1)
    job.expire_lease(AFTER_LEASE, POLICY)
    assert not job.is_held_by(1)
    job.start(AFTER_LEASE + timedelta(minutes=1), LEASE)
    assert job.is_held_by(2) and not job.is_held_by(1)


def test_checkpoints_need_a_running_attempt():
    job = job_in(JobStatus.QUEUED)
    with pytest.raises(IllegalTransition):
        job.record_cleaned_body("text", T0)
    assert job.cleaned_body is None


def test_naive_times_are_refused():
    job = job_in(JobStatus.RECEIVED)
    with pytest.raises(ValueError):
        job.enqueue(datetime(2026, 11, 20, 8, 0))
    assert job.status is JobStatus.RECEIVED and job.queued_at is None


def test_history_entries_carry_attempt_time_and_result():
    job = job_in(JobStatus.PROCESSING)
    job.complete(T0 + timedelta(seconds=5), Outcome.MATCHED)
    assert [(h.attempt, h.from_status.value, h.to_status.value) for h in job.history] == [
        (0, "received", "queued"),
        (1, "queued", "processing"),
        (1, "processing", "completed"),
    ]
    assert job.history[-1].at == T0 + timedelta(seconds=5)
    assert job.history[-1].result == "completed: matched"


# -- events for the one event path (application/dispatcher.py) ------------------------------
def test_enqueue_and_manual_retry_record_job_queued():
    job = job_in(JobStatus.RECEIVED)
    job.enqueue(T0)
    assert job.pull_events() == [JobQueued("job-1")]
    job = job_in(JobStatus.FAILED)
    job.retry_manually(T0)
    assert job.pull_events() == [JobQueued("job-1")]


def test_a_refused_transition_records_no_event():
    job = job_in(JobStatus.QUEUED)
    with pytest.raises(IllegalTransition):
        job.retry_manually(T0)
    assert job.pull_events() == []


def test_repeat_handover_announces_the_pending_event_without_a_transition():
    job = job_in(JobStatus.PROCESSING)
    job.fail_attempt(TRANSIENT, T0, POLICY)
    job.pull_events()
    history = list(job.history)
    job.repeat_handover(T0)
    assert job.pull_events() == [JobQueued("job-1", eta=T0 + timedelta(seconds=15))]
    job.repeat_handover(T0 + timedelta(seconds=15))
    assert job.pull_events() == [JobQueued("job-1", eta=None)], "due now: no ETA"
    failed = job_in(JobStatus.FAILED)
    failed.repeat_handover(T0)
    assert failed.pull_events() == [JobFailedPermanently("job-1", 1, failed.last_error)]
    assert job.history == history and job.status is JobStatus.QUEUED


@pytest.mark.parametrize("status", [JobStatus.RECEIVED, JobStatus.PROCESSING, JobStatus.COMPLETED])
def test_repeat_handover_refused_when_nothing_is_pending(status):
    job = job_in(status)
    with pytest.raises(IllegalTransition):
        job.repeat_handover(T0)
    assert job.pull_events() == []


def test_repeat_handover_refused_for_an_alerted_failure():
    job = job_in(JobStatus.FAILED)
    job.mark_failure_notified(T0)
    with pytest.raises(IllegalTransition):
        job.repeat_handover(T0)


def test_write_claim_records_claim_written_with_the_ledger_key():
    from decimal import Decimal

    from domain.extraction import Extraction, Match

    job = job_in(JobStatus.PROCESSING)
    job.record_extraction(
        Extraction(is_creditor_reply=True, claim_amount=Decimal("812.40"), extractor="t"), T0
    )
    job.record_match(Match(score=0.95, client_id="M-1", creditor_id="C-1"), T0)
    claim = job.write_claim(T0)
    assert job.pull_events() == [ClaimWritten("job-1", claim.idempotency_key)]
