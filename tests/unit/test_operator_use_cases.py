"""RetryJob, NotifyPermanentFailure, NotifyMatch, ListJobs/GetJob on fakes."""

from __future__ import annotations

import pytest

from application.job_queries import GetJob, ListJobs
from application.ports import NotificationError
from application.retry_job import JobNotFound, NotRetryable
from domain.errors import PermanentError
from domain.values import JobStatus
from tests.fakes import FakeJobQueries


def failed_job(world, n=1):
    job_id = world.received_job(n)
    world.extractor.errors.append(PermanentError("bad request", "BadRequestError"))
    world.process(job_id)
    assert world.job(job_id).status is JobStatus.FAILED
    return job_id


# -- RetryJob ------------------------------------------------------------------------------
def test_retry_requeues_a_failed_job_and_hands_it_over(world):
    job_id = failed_job(world)
    job = world.retry(job_id)
    assert job.status is JobStatus.QUEUED and job.manual_retries == 1
    assert world.job(job_id).status is JobStatus.QUEUED
    assert world.queue.tasks[-1].name == "process" and world.queue.tasks[-1].arg == job_id
    world.process(job_id)
    assert world.job(job_id).status is JobStatus.COMPLETED


@pytest.mark.parametrize("state", ["queued", "completed"])
def test_only_a_failed_job_can_be_retried(world, state):
    job_id = world.received_job()
    if state == "completed":
        world.process(job_id)
    with pytest.raises(NotRetryable) as err:
        world.retry(job_id)
    assert err.value.status == state
    assert world.job(job_id).manual_retries == 0


def test_retry_of_a_missing_job(world):
    with pytest.raises(JobNotFound):
        world.retry("nope")


def test_retry_with_the_queue_down_is_committed_for_the_sweep(world):
    job_id = failed_job(world)
    world.queue.available = False
    world.retry(job_id)
    assert world.job(job_id).status is JobStatus.QUEUED
    world.queue.available = True
    world.clock.advance(61)
    report = world.recover()
    assert job_id in report.requeued


# -- NotifyPermanentFailure ----------------------------------------------------------------
def test_alert_is_sent_exactly_once_with_the_details(world):
    job_id = failed_job(world)
    assert world.notify_failure(job_id) is True
    assert world.notify_failure(job_id) is False
    [message] = world.notifier.sent
    assert message.to == "ops@practice.example"
    for text in (job_id, "48001", "forderungen@inkasso.example", "BadRequestError", "Attempts:  1"):
        assert text in message.body
    assert world.job(job_id).failure_notified_at == world.clock.now()


def test_no_alert_for_a_job_that_is_not_failed(world):
    job_id = world.received_job()
    assert world.notify_failure(job_id) is False
    world.process(job_id)
    assert world.notify_failure(job_id) is False
    assert world.notifier.sent == []


def test_manual_retry_that_fails_again_alerts_again(world):
    job_id = failed_job(world)
    world.notify_failure(job_id)
    world.retry(job_id)
    world.extractor.errors.append(PermanentError("still bad", "BadRequestError"))
    world.process(job_id)
    assert world.notify_failure(job_id) is True
    assert len(world.notifier.sent) == 2


def test_send_error_propagates_and_changes_nothing(world):
    job_id = failed_job(world)
    before = world.job(job_id)
    world.notifier.errors.append(NotificationError("smtp down"))
    with pytest.raises(NotificationError):
        world.notify_failure(job_id)
    after = world.job(job_id)
    assert after.status is JobStatus.FAILED and after.failure_notified_at is None
    assert after.version == before.version
    assert world.notify_failure(job_id) is True, "the task's retry sends it"


def test_unconfigured_smtp_is_logged_as_skipped_and_recorded(world):
    world.notifier.configured = False
    job_id = failed_job(world)
    assert world.notify_failure(job_id) is False
    assert world.job(job_id).failure_notified_at is not None
    world.clock.advance(3600)
    assert world.recover().alerts == [], "the sweep does not re-send a handled alert"


# -- NotifyMatch ---------------------------------------------------------------------------
def test_match_notice_for_a_matched_job(world):
    job_id = world.received_job()
    world.process(job_id)
    assert world.notify_match(job_id) is True
    [message] = world.notifier.sent
    assert message.to == "desk@practice.example"
    assert "812.40" in message.body and "M-1" in message.body


def test_no_match_notice_for_other_outcomes(world):
    failed = failed_job(world)
    assert world.notify_match(failed) is False
    assert world.notifier.sent == []


# -- read side -----------------------------------------------------------------------------
def test_list_jobs_pages_newest_first_with_counts(world):
    ids = []
    for n in range(5):
        ids.append(world.received_job(n))
        world.clock.advance(1)
    world.process(ids[0])
    page = ListJobs(FakeJobQueries(world.db))(status="queued", limit=2, offset=1)
    assert page.total == 4
    assert page.status_counts == {
        "received": 0,
        "queued": 4,
        "processing": 0,
        "completed": 1,
        "failed": 0,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 2**63}, "offset"),
        ({"status": "done"}, "done"),
    ],
)
def test_list_jobs_rejects_bad_arguments(world, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ListJobs(FakeJobQueries(world.db))(**kwargs)


def test_get_job(world):
    job_id = world.received_job()
    assert GetJob(FakeJobQueries(world.db))(job_id).id == job_id
    with pytest.raises(JobNotFound):
        GetJob(FakeJobQueries(world.db))("missing")
