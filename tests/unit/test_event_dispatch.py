"""The one event path: the unit of work publishes the events of what it committed, and only
that; the dispatcher maps each event to its hand-over (SPEC §5.2: after the commit)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.dispatcher import EventDispatcher, queue_dispatcher
from application.ports import ConcurrencyConflict, DuplicateJob, StorageUnavailable
from domain.events import ClaimWritten, JobCompleted, JobFailedPermanently, JobQueued
from domain.model import EmailJob
from domain.values import Outcome
from tests.fakes import FakeQueue, FakeUnitOfWork
from tests.unit.conftest import make_email


def test_each_event_reaches_its_queue_task(world):
    eta = world.clock.now() + timedelta(seconds=15)
    undelivered = queue_dispatcher(world.queue).dispatch(
        [
            JobQueued("a"),
            JobQueued("b", eta=eta),
            JobFailedPermanently("c", 6, None),
            JobCompleted("d", Outcome.MATCHED),
            JobCompleted("e", Outcome.NEEDS_REVIEW),
            ClaimWritten("d", "key-d"),
        ]
    )
    assert undelivered == []
    assert [(t.name, t.arg, t.eta) for t in world.queue.tasks] == [
        ("process", "a", None),
        ("process", "b", eta),
        ("alert", "c", None),
        ("match_notice", "d", None),
        ("mirror", "key-d", None),
    ]


def test_a_queue_outage_is_reported_back_and_the_rest_still_runs():
    queue = FakeQueue()
    dispatcher = queue_dispatcher(queue)
    seen = []
    dispatcher.register(JobQueued, seen.append)
    queue.available = False
    assert dispatcher.dispatch([JobQueued("a")]) == [JobQueued("a")]
    assert seen == [JobQueued("a")], "a later handler of the same event still ran"


def test_a_handler_bug_is_not_swallowed():
    dispatcher = EventDispatcher()

    def broken(event):
        raise KeyError("bug")

    dispatcher.register(JobQueued, broken)
    with pytest.raises(KeyError):
        dispatcher.dispatch([JobQueued("a")])


def new_job(world, n=1) -> EmailJob:
    job = EmailJob(f"job-{n}", make_email(n), received_at=world.clock.now())
    job.enqueue(world.clock.now())
    return job


def test_events_are_published_after_the_commit_only(world):
    seen_at_publish = []
    dispatcher = EventDispatcher()
    dispatcher.register(JobQueued, lambda e: seen_at_publish.append(e.job_id in world.db.jobs))
    with FakeUnitOfWork(world.db, dispatcher) as uow:
        uow.jobs.add(new_job(world))
        assert seen_at_publish == []
        uow.commit()
    assert seen_at_publish == [True]


@pytest.mark.parametrize("failure", ["duplicate", "conflict", "database down"])
def test_a_failed_commit_publishes_nothing(world, failure):
    job = new_job(world)
    with world.uow() as uow:
        uow.jobs.add(job)
        uow.commit()
    world.queue.tasks.clear()
    uow = world.uow()
    with uow:
        if failure == "duplicate":
            uow.jobs.add(new_job(world))  # same external_id, with its JobQueued event
            error = DuplicateJob
        else:
            uow.jobs.get(job.id).repeat_handover(world.clock.now())  # records JobQueued
            if failure == "conflict":
                world.db.jobs[job.id].version += 1
                error = ConcurrencyConflict
            else:
                world.db.available = False
                error = StorageUnavailable
        with pytest.raises(error):
            uow.commit()
    world.db.available = True
    assert world.queue.tasks == [] and uow.published == []


def test_each_event_is_published_once_across_commits(world):
    with world.uow() as uow:
        job = new_job(world)
        uow.jobs.add(job)
        uow.commit()
        uow.commit()
    assert [t.arg for t in world.queue.tasks] == [job.id]


def test_no_match_notice_is_handed_over_without_a_recipient(world):
    from domain.events import ReviewDecided

    dispatcher = queue_dispatcher(world.queue, match_notices=False)
    dispatcher.dispatch(
        [
            JobCompleted("d", Outcome.MATCHED),
            ReviewDecided("d", 1, "match", "anna"),
            ClaimWritten("d", "key-d"),
        ]
    )
    assert [(t.name, t.arg) for t in world.queue.tasks] == [("mirror", "key-d")]


@pytest.mark.parametrize(
    ("env", "notices"),
    [({}, []), ({"ADMIN_EMAIL": "ops@example.org"}, [("match_notice", "d")])],
)
def test_the_wiring_hands_over_match_notices_only_with_a_recipient(env, notices):
    from entrypoints.providers import _dispatcher
    from entrypoints.settings import Settings

    queue = FakeQueue()
    _dispatcher(Settings.from_env(env), queue).dispatch([JobCompleted("d", Outcome.MATCHED)])
    assert [(t.name, t.arg) for t in queue.tasks] == notices
