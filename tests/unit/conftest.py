"""Fixtures wiring the use cases to in-memory fakes: no I/O anywhere in tests/unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from application.dispatcher import queue_dispatcher
from application.notify_match import NotifyMatch
from application.notify_permanent_failure import NotifyPermanentFailure
from application.process_email import ProcessEmail, ProcessingSettings
from application.receive_email import ReceiveEmail
from application.recover_stalled_jobs import RecoverStalledJobs
from application.retry_job import RetryJob
from domain.extraction import DirectoryEntry, Extraction
from domain.retry_policy import RetryPolicy
from domain.values import InboundEmail
from tests.fakes import (
    ExactSimilarity,
    FakeClock,
    FakeDatabase,
    FakeDirectory,
    FakeExtractor,
    FakeNotifier,
    FakeParser,
    FakeQueue,
    FakeUnitOfWork,
)

CREDITOR_REPLY = Extraction(
    is_creditor_reply=True,
    client_name="Jana Hoffmann",
    client_reference="2024/1187",
    creditor_name="Telekom Deutschland GmbH",
    creditor_reference="KD-4471-2290",
    claim_amount=Decimal("812.40"),
    currency="EUR",
    confidence=0.9,
    extractor="fake",
)

DIRECTORY = [
    DirectoryEntry(
        client_id="M-1",
        client_name="Jana Hoffmann",
        client_reference="2024/1187",
        creditor_id="C-1",
        creditor_name="Telekom Deutschland GmbH",
        creditor_reference="KD-4471-2290",
    ),
    DirectoryEntry(
        client_id="M-2",
        client_name="Peter Krause",
        client_reference="2024/2001",
        creditor_id="C-2",
        creditor_name="Vodafone GmbH",
        creditor_reference="VF-1",
    ),
]


def make_email(n: int = 1, **overrides) -> InboundEmail:
    fields = dict(
        ticket_id=48000 + n,
        comment_id=99000 + n,
        message_id=f"<{n}@mail.inkasso.example>",
        from_email="forderungen@inkasso.example",
        from_name="Inkasso Nord GmbH",
        subject=f"Ihr Schreiben – Az. 2024/{n}",
        body_text="Die Forderung beträgt 812,40 EUR.",
        received_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
    )
    fields.update(overrides)
    return InboundEmail(**fields)


@dataclass
class World:
    db: FakeDatabase
    clock: FakeClock
    queue: FakeQueue
    parser: FakeParser
    extractor: FakeExtractor
    directory: FakeDirectory
    notifier: FakeNotifier
    policy: RetryPolicy
    receive: ReceiveEmail
    process: ProcessEmail
    retry: RetryJob
    recover: RecoverStalledJobs
    notify_failure: NotifyPermanentFailure
    notify_match: NotifyMatch

    def uow(self) -> FakeUnitOfWork:
        """A unit of work whose committed events reach the queue, like the use cases'."""
        return FakeUnitOfWork(self.db, queue_dispatcher(self.queue))

    def job(self, job_id: str):
        return self.db.jobs[job_id]

    def received_job(self, n: int = 1, **overrides) -> str:
        return self.receive(make_email(n, **overrides)).job_id


@pytest.fixture
def world() -> World:
    db = FakeDatabase()
    clock = FakeClock()
    queue = FakeQueue()
    parser = FakeParser()
    extractor = FakeExtractor(CREDITOR_REPLY)
    directory = FakeDirectory(DIRECTORY)
    notifier = FakeNotifier()
    policy = RetryPolicy(jitter=0.0)

    dispatcher = queue_dispatcher(queue)

    def uow_factory() -> FakeUnitOfWork:
        return FakeUnitOfWork(db, dispatcher)

    settings = ProcessingSettings(lease=timedelta(seconds=600), match_threshold=0.85)
    return World(
        db=db,
        clock=clock,
        queue=queue,
        parser=parser,
        extractor=extractor,
        directory=directory,
        notifier=notifier,
        policy=policy,
        receive=ReceiveEmail(uow_factory, clock),
        process=ProcessEmail(
            uow_factory,
            clock,
            parser,
            extractor,
            directory,
            ExactSimilarity(),
            policy,
            settings,
        ),
        retry=RetryJob(uow_factory, clock),
        recover=RecoverStalledJobs(uow_factory, queue, clock, policy, grace=timedelta(seconds=60)),
        notify_failure=NotifyPermanentFailure(uow_factory, notifier, clock, "ops@practice.example"),
        notify_match=NotifyMatch(uow_factory, notifier, "desk@practice.example"),
    )
