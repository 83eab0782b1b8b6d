"""Use cases report what the metrics count but no transition shows: alerts sent, jobs re-handed."""

from __future__ import annotations

from datetime import timedelta

from application.notify_permanent_failure import NotifyPermanentFailure
from application.recover_stalled_jobs import RecoverStalledJobs
from domain.errors import PermanentError
from tests.fakes import FakeCounters


def test_an_alert_is_counted_only_when_a_mail_went_out(world):
    counters = FakeCounters()
    notify = NotifyPermanentFailure(
        world.uow, world.notifier, world.clock, "ops@x.example", counters
    )
    sent, skipped = world.received_job(1), world.received_job(2)
    for job_id in (sent, skipped):
        world.extractor.errors.append(PermanentError("bad", "BadRequestError"))
        world.process(job_id)
    assert notify(sent) is True
    assert notify(sent) is False, "already alerted"
    world.notifier.configured = False
    assert notify(skipped) is False
    assert counters.alerts_sent == 1


def test_the_sweep_counts_the_jobs_it_hands_over_again(world):
    counters = FakeCounters()
    sweep = RecoverStalledJobs(
        world.uow,
        world.queue,
        world.clock,
        world.policy,
        grace=timedelta(seconds=60),
        counters=counters,
    )
    world.queue.available = False
    world.received_job(1)
    world.received_job(2)
    world.queue.available = True
    assert sweep().requeued == [], "within the grace period"
    world.clock.advance(61)
    assert len(sweep().requeued) == 2
    assert counters.requeued == 2
