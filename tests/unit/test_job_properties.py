"""Property: any sequence of actions leaves the job in a legal state, and the history grows
by exactly one entry per successful transition."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import ErrorInfo, IllegalTransition
from domain.model import EmailJob
from domain.retry_policy import RetryPolicy
from domain.values import JobStatus, Outcome
from tests.unit.conftest import make_email

T0 = datetime(2026, 11, 20, tzinfo=UTC)
POLICY = RetryPolicy(max_retries=3, min_backoff_seconds=1, max_backoff_seconds=8, jitter=0.5)

actions = st.one_of(
    st.tuples(st.just("enqueue")),
    st.tuples(st.just("start"), st.integers(1, 1000)),
    st.tuples(st.just("complete"), st.sampled_from(list(Outcome))),
    st.tuples(st.just("fail"), st.booleans()),
    st.tuples(st.just("expire_lease")),
    st.tuples(st.just("retry_manually")),
    st.tuples(st.just("mark_notified")),
    st.tuples(st.just("wait"), st.integers(0, 2000)),
)


def apply(job: EmailJob, action: tuple, now: datetime) -> None:
    name = action[0]
    if name == "enqueue":
        job.enqueue(now)
    elif name == "start":
        job.start(now, timedelta(seconds=action[1]))
    elif name == "complete":
        job.complete(now, action[1])
    elif name == "fail":
        error = ErrorInfo.permanent("E", "x") if action[1] else ErrorInfo.transient("E", "x")
        job.fail_attempt(error, now, POLICY)
    elif name == "expire_lease":
        job.expire_lease(now, POLICY)
    elif name == "retry_manually":
        job.retry_manually(now)
    elif name == "mark_notified":
        job.mark_failure_notified(now)


def assert_legal(job: EmailJob, now: datetime) -> None:
    # The status is the one the last transition recorded (or received, before any).
    assert job.status is (job.history[-1].to_status if job.history else JobStatus.RECEIVED)
    assert job.attempts >= 0 and 0 <= job.cycle_attempts <= POLICY.max_retries + 1
    assert job.cycle_attempts <= job.attempts
    assert (job.status is JobStatus.PROCESSING) == (job.lease_expires_at is not None)
    assert (job.status is JobStatus.COMPLETED) == (job.outcome is not None)
    if job.status is JobStatus.RECEIVED:
        assert job.attempts == 0 and job.queued_at is None
    if job.next_attempt_at is not None:
        assert job.status is JobStatus.QUEUED
        assert job.next_attempt_at - job.queued_at <= timedelta(seconds=POLICY.max_backoff_seconds)
    if job.failure_notified_at is not None:
        assert job.status is JobStatus.FAILED
    if job.status is JobStatus.FAILED:
        assert job.last_error is not None
    for before, after in zip(job.history, job.history[1:], strict=False):
        assert before.to_status is after.from_status
        assert before.at <= after.at
        assert before.attempt <= after.attempt


@settings(max_examples=300, deadline=None)
@given(st.lists(actions, max_size=40))
def test_any_sequence_of_actions_keeps_the_job_legal(sequence):
    job = EmailJob("job", make_email(), received_at=T0)
    now = T0
    transitions = 0
    for action in sequence:
        if action[0] == "wait":
            now += timedelta(seconds=action[1])
            continue
        status_before, history_before = job.status, len(job.history)
        try:
            apply(job, action, now)
        except IllegalTransition:
            assert job.status is status_before and len(job.history) == history_before
        else:
            if action[0] != "mark_notified":
                transitions += 1
        assert_legal(job, now)
    assert len(job.history) == transitions
