"""RecoverStalledJobs: expired leases, lost hand-overs, lost alerts (SPEC §5.2, §5.4)."""

from __future__ import annotations

from datetime import timedelta

from domain.model import EmailJob
from domain.retry_policy import RetryPolicy
from domain.values import JobStatus
from tests.fakes import FakeUnitOfWork
from tests.unit.conftest import make_email


def claim(world, job_id):
    """Claim the job like a worker that is then killed (-9): nothing else happens."""
    with FakeUnitOfWork(world.db) as uow:
        job = uow.jobs.get_for_claim(job_id)
        job.start(world.clock.now(), timedelta(seconds=600))
        uow.commit()


def test_expired_lease_is_requeued_and_handed_over(world):
    job_id = world.received_job()
    claim(world, job_id)
    world.clock.advance(599)
    assert world.recover().expired_leases == []
    world.clock.advance(1)
    report = world.recover()
    assert report.expired_leases == [job_id]
    job = world.job(job_id)
    assert job.status is JobStatus.QUEUED and job.last_error.type == "LeaseExpired"
    assert job.history[-1].result.startswith("lease expired")
    handed = world.queue.tasks[-1]
    assert (handed.name, handed.arg, handed.eta) == ("process", job_id, job.next_attempt_at)
    world.clock.current = job.next_attempt_at
    world.process(job_id)
    assert world.job(job_id).status is JobStatus.COMPLETED
    assert len(world.db.claims) == 1


def test_expired_lease_out_of_retries_fails_and_alerts(world):
    world.recover._policy = RetryPolicy(max_retries=0, jitter=0.0)
    job_id = world.received_job()
    claim(world, job_id)
    world.clock.advance(600)
    world.recover()
    assert world.job(job_id).status is JobStatus.FAILED
    assert [t.arg for t in world.queue.named("alert")] == [job_id]


def test_received_job_older_than_grace_is_queued_and_handed_over(world):
    """A crash between the insert and the enqueue leaves a `received` job."""
    job = EmailJob("stuck", make_email(), received_at=world.clock.now())
    with FakeUnitOfWork(world.db) as uow:
        uow.jobs.add(job)
        uow.commit()
    world.clock.advance(59)
    assert world.recover().requeued == []
    world.clock.advance(2)
    assert world.recover().requeued == ["stuck"]
    assert world.job("stuck").status is JobStatus.QUEUED
    assert world.queue.tasks[-1].arg == "stuck"


def test_queued_job_whose_message_was_lost_is_handed_over_again(world):
    world.queue.available = False
    job_id = world.received_job()
    world.queue.available = True
    assert world.queue.tasks == []
    world.clock.advance(61)
    assert world.recover().requeued == [job_id]
    world.process(job_id)
    assert world.job(job_id).status is JobStatus.COMPLETED


def test_queued_job_waiting_for_its_backoff_is_left_alone(world):
    job_id = world.received_job()
    world.extractor.errors.append(TimeoutError())
    world.process(job_id)
    tasks = len(world.queue.tasks)
    world.clock.advance(15 + 59)  # due, but not yet older than the grace period
    assert world.recover().requeued == []
    assert len(world.queue.tasks) == tasks
    world.clock.advance(2)
    assert world.recover().requeued == [job_id]


def test_sweep_twice_at_once_is_harmless(world):
    job_id = world.received_job()
    claim(world, job_id)
    world.clock.advance(601)
    first, second = world.recover(), world.recover()
    assert first.expired_leases == [job_id] and second.expired_leases == []
    assert world.job(job_id).attempts == 1
    assert len([h for h in world.job(job_id).history if h.result.startswith("lease expired")]) == 1


def test_failed_job_whose_alert_was_lost_is_alerted(world):
    from domain.errors import PermanentError

    job_id = world.received_job()
    world.queue.available = False
    world.extractor.errors.append(PermanentError("bad", "BadRequestError"))
    world.process(job_id)
    world.queue.available = True
    assert world.queue.named("alert") == []
    world.clock.advance(61)
    assert world.recover().alerts == [job_id]
    world.notify_failure(job_id)
    world.clock.advance(61)
    assert world.recover().alerts == []


def test_queue_down_during_the_sweep_is_counted_and_retried_next_time(world):
    world.queue.available = False
    job_id = world.received_job()
    world.clock.advance(61)
    assert world.recover().queue_errors == 1
    world.queue.available = True
    assert world.recover().requeued == [job_id]


def test_jobs_still_waiting_in_the_queue_are_not_handed_over_again(world):
    """Behind a backlog, due jobs wait in the queue: re-handing them would pile up duplicates."""
    waiting = world.received_job(1)
    lost = world.received_job(2)
    world.queue.held = {waiting}  # the queue still holds `waiting`'s message; `lost`'s is gone
    world.clock.advance(61)
    assert world.recover().requeued == [lost]
    assert world.recover().requeued == [lost], "a queue that cannot confirm delivery is asked again"


def test_sweep_hands_over_everything_when_the_queue_cannot_tell(world):
    ids = [world.received_job(n) for n in range(3)]
    world.queue.held = None
    world.clock.advance(61)
    assert sorted(world.recover().requeued) == sorted(ids)


def test_queue_down_while_re_handing_an_expired_lease_counts_as_a_queue_error(world):
    # Before, the retry hand-over of an expired lease failed silently: `flask jobs recover`
    # exited 0 although nothing had been handed over.
    job_id = world.received_job()
    claim(world, job_id)
    world.clock.advance(600)
    world.queue.available = False
    report = world.recover()
    assert report.expired_leases == [job_id]
    assert report.queue_errors == 1
