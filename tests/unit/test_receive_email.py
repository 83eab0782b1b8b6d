"""ReceiveEmail: durable before the answer, queue after the commit, dedup (SPEC §5.1-2)."""

from __future__ import annotations

import pytest

from application.dispatcher import queue_dispatcher
from application.ports import StorageUnavailable
from application.receive_email import Reception
from domain.values import JobStatus
from tests.fakes import FakeQueue, FakeUnitOfWork
from tests.unit.conftest import make_email


def test_new_email_is_committed_as_queued_then_handed_to_the_queue(world):
    result = world.receive(make_email())
    assert result.status is Reception.ACCEPTED and result.handed_to_queue
    job = world.job(result.job_id)
    assert job.status is JobStatus.QUEUED
    assert job.queued_at == world.clock.now()
    assert [(t.name, t.arg, t.eta) for t in world.queue.tasks] == [("process", job.id, None)]


def test_queue_sees_the_committed_job():
    """The hand-over happens after the commit: the queue can already read the job."""
    from application.receive_email import ReceiveEmail
    from tests.fakes import FakeClock, FakeDatabase

    db = FakeDatabase()
    seen = []

    class ReadingQueue(FakeQueue):
        def enqueue_processing(self, job_id, eta=None):
            seen.append(db.jobs.get(job_id))
            super().enqueue_processing(job_id, eta)

    dispatcher = queue_dispatcher(ReadingQueue())
    receive = ReceiveEmail(lambda: FakeUnitOfWork(db, dispatcher), FakeClock())
    result = receive(make_email())
    assert seen[0] is not None and seen[0].id == result.job_id
    assert seen[0].status is JobStatus.QUEUED


def test_duplicate_delivery_creates_no_second_job(world):
    first = world.receive(make_email())
    second = world.receive(make_email())
    assert second.status is Reception.DUPLICATE
    assert second.job_id == first.job_id
    assert len(world.db.jobs) == 1
    assert len(world.queue.tasks) == 1


def test_concurrent_duplicate_losing_the_unique_constraint_is_a_duplicate(world):
    """Two deliveries both pass the read; the unique constraint decides."""
    email = make_email()

    class RacingUnitOfWork(FakeUnitOfWork):
        def commit(self):
            # The other delivery commits between our read and our commit.
            with FakeUnitOfWork(world.db) as other:
                from domain.model import EmailJob

                job = EmailJob("winner", email, world.clock.now())
                job.enqueue(world.clock.now())
                other.jobs.add(job)
                other.commit()
            super().commit()

    from application.receive_email import ReceiveEmail

    dispatcher = queue_dispatcher(world.queue)
    receive = ReceiveEmail(lambda: RacingUnitOfWork(world.db, dispatcher), world.clock)
    result = receive(email)
    assert result.status is Reception.DUPLICATE
    assert result.job_id == "winner"
    assert list(world.db.jobs) == ["winner"]


def test_queue_down_still_accepts_and_keeps_the_job(world):
    world.queue.available = False
    result = world.receive(make_email())
    assert result.status is Reception.ACCEPTED and not result.handed_to_queue
    assert world.job(result.job_id).status is JobStatus.QUEUED


def test_database_down_raises_and_stores_nothing(world):
    world.db.available = False
    with pytest.raises(StorageUnavailable):
        world.receive(make_email())
    assert world.db.jobs == {}
    assert world.queue.tasks == []


def test_email_fields_are_stored_on_the_job(world):
    job = world.job(world.received_job(3))
    assert (job.ticket_id, job.from_email, job.subject) == (
        48003,
        "forderungen@inkasso.example",
        "Ihr Schreiben – Az. 2024/3",
    )
    assert job.external_id == "<3@mail.inkasso.example>"
    assert job.history[-1].to_status is JobStatus.QUEUED


def test_received_at_comes_from_the_email(world):
    from datetime import UTC, datetime

    sent = datetime(2026, 11, 19, 7, 30, tzinfo=UTC)
    job = world.job(world.received_job(received_at=sent))
    assert job.received_at == sent
    assert job.queued_at == world.clock.now()
