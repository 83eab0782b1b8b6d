"""The real use cases on the real databases: receive → process → claim, lease loss, outage."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from adapters.sqlalchemy.directory import SqlClientDirectory
from adapters.sqlalchemy.engine import make_engine, make_session_factory
from adapters.sqlalchemy.orm import claim_updates, creditors
from adapters.sqlalchemy.queries import SqlJobQueries
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.dispatcher import queue_dispatcher
from application.ports import StorageUnavailable
from application.process_email import ProcessEmail, ProcessingSettings
from application.receive_email import ReceiveEmail
from application.recover_stalled_jobs import RecoverStalledJobs
from domain.retry_policy import RetryPolicy
from domain.values import JobStatus, Outcome
from tests.fakes import ExactSimilarity, FakeClock, FakeExtractor, FakeParser, FakeQueue
from tests.unit.conftest import CREDITOR_REPLY, make_email

DIRECTORY = {
    "clients": [
        {
            "id": "M-1",
            "name": "Jana Hoffmann",
            "reference": "2024/1187",
            "creditors": [
                {"id": "C-1", "name": "Telekom Deutschland GmbH", "reference": "KD-4471-2290"}
            ],
        }
    ]
}


class Pipeline:
    def __init__(self, session_factory, extractor=None):
        self.clock = FakeClock()
        self.queue = FakeQueue()
        dispatcher = queue_dispatcher(self.queue)

        def uow_factory():
            return SqlAlchemyUnitOfWork(session_factory, dispatcher)

        self.policy = RetryPolicy(jitter=0)
        self.directory = SqlClientDirectory(session_factory)
        self.directory.import_directory(DIRECTORY)
        self.extractor = extractor or FakeExtractor(CREDITOR_REPLY)
        self.receive = ReceiveEmail(uow_factory, self.clock)
        self.process = ProcessEmail(
            uow_factory,
            self.clock,
            FakeParser(),
            self.extractor,
            self.directory,
            ExactSimilarity(),
            self.policy,
            ProcessingSettings(lease=timedelta(seconds=600)),
        )
        self.recover = RecoverStalledJobs(uow_factory, self.queue, self.clock, self.policy)
        self.queries = SqlJobQueries(session_factory)


def test_receive_process_complete_with_one_claim(uow_factory, session_factory, engine):
    pipeline = Pipeline(session_factory)
    job_id = pipeline.receive(make_email()).job_id
    pipeline.process(job_id)
    job = pipeline.queries.get_job(job_id)
    assert job.status is JobStatus.COMPLETED and job.outcome is Outcome.MATCHED
    assert job.extraction == CREDITOR_REPLY
    assert job.match.client_id == "M-1"
    assert pipeline.process(job_id).claimed is False, "a duplicate message is a no-op"
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(claim_updates)) == 1
        assert str(conn.scalar(select(creditors.c.claim_amount))) == "812.40"


def test_worker_that_lost_its_lease_writes_no_second_claim(uow_factory, session_factory, engine):
    """SPEC §5.4: the sweep re-queues a stalled attempt; the late worker's commit is rejected."""
    holder = {}

    class StallingExtractor(FakeExtractor):
        def extract(self, *args):
            if self.calls == 0:
                # The worker stalls past its lease: the sweep takes the job back and another
                # worker completes it before this one returns.
                pipeline = holder["pipeline"]
                pipeline.clock.advance(601)
                pipeline.recover()
                job = pipeline.queries.get_job(holder["job_id"])
                pipeline.clock.current = job.next_attempt_at
                self.calls += 1
                pipeline.process(holder["job_id"])
                return self.result
            return super().extract(*args)

    pipeline = Pipeline(session_factory, StallingExtractor(CREDITOR_REPLY))
    holder["pipeline"] = pipeline
    holder["job_id"] = job_id = pipeline.receive(make_email()).job_id
    result = pipeline.process(job_id)
    assert result.claimed and result.status is None, "the stale attempt gave up"
    job = pipeline.queries.get_job(job_id)
    assert job.status is JobStatus.COMPLETED and job.attempts == 2
    assert [h.result for h in job.history].count("lease expired, retry scheduled") == 1
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(claim_updates)) == 1


def test_an_attempt_reads_its_job_once_and_never_its_history(session_factory, engine):
    """The claim reads the job; each checkpoint commits it back under the version CAS
    (the test above shows a stale one is refused) instead of reading it again, and history
    entries are appended without loading the stored ones."""
    pipeline = Pipeline(session_factory)
    job_id = pipeline.receive(make_email()).job_id
    reads: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert pipeline.process(job_id).outcome == "matched"
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len([r for r in reads if "FROM email_jobs" in r]) == 1, reads
    assert not [r for r in reads if "FROM job_history" in r]
    assert not [r for r in reads if "FROM review_decisions" in r], "decisions: not for a claim"
    job = pipeline.queries.get_job(job_id)
    assert [h.result for h in job.history] == ["queued", "started", "completed: matched"]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("kind", ["postgresql-down", "sqlite-corrupt"])
def test_unreachable_database_is_storage_unavailable_and_nothing_is_stored(kind, tmp_path):
    if kind == "postgresql-down":
        url = f"postgresql+psycopg2://postgres@127.0.0.1:{closed_port()}/test"
    else:
        path = tmp_path / "broken.sqlite3"
        path.write_bytes(b"this is not a database file" * 100)
        url = f"sqlite:///{path}"
    engine = make_engine(url)
    receive = ReceiveEmail(lambda: SqlAlchemyUnitOfWork(make_session_factory(engine)), FakeClock())
    with pytest.raises(StorageUnavailable):
        receive(make_email())
    with pytest.raises(StorageUnavailable):
        SqlJobQueries(make_session_factory(engine)).ping()
