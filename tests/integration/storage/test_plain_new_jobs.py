"""The domain's EmailJob is not mapped (orm.py maps StoredEmailJob, a subclass): a new job
stays the plain object the use case built through add() and the commit, its rows identical to
what the ORM flush writes, and it becomes a StoredEmailJob in place — the same object — only
when a session has to track it (new_jobs.as_stored), with every change made since written.
On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select

from adapters.sqlalchemy.counts_store import SqlCountsCheck
from adapters.sqlalchemy.new_jobs import as_stored
from adapters.sqlalchemy.orm import StoredEmailJob, StoredHistoryEntry, email_jobs, job_history
from domain.errors import ErrorInfo
from domain.extraction import Extraction, Match, MatchCandidate
from domain.history import HistoryEntry
from domain.model import EmailJob
from domain.retry_policy import RetryPolicy
from domain.values import Attachment, JobStatus
from tests.fakes import FakeClock
from tests.integration.storage.test_job_counters import stored
from tests.unit.conftest import make_email

LEASE = timedelta(seconds=60)


def _intake(n: int) -> EmailJob:
    clock = FakeClock()
    job = EmailJob(f"55555555-5555-5555-5555-{n:012d}", make_email(n), clock.now())
    job.enqueue(clock.now())
    return job


def _worked(n: int) -> EmailJob:
    """A new job with every kind of value and three history entries (the add() path that
    writes them in the session's transaction)."""
    clock = FakeClock()
    now = clock.now()
    email = make_email(
        n, attachments=(Attachment("https://z/a.pdf", "a.pdf", "application/pdf", 9),)
    )
    job = EmailJob(f"55555555-5555-5555-5555-{n:012d}", email, now)
    job.enqueue(now)
    job.start(now, LEASE)
    job.record_cleaned_body("Forderung 812,40 EUR", now)
    job.record_extraction(
        Extraction(True, "Jana", "2024/1", "Telekom", "KD-1", Decimal("812.40"), "EUR", 0.9, "r"),
        now,
    )
    job.record_match(Match(0.95, "M-1", "C-1", (MatchCandidate("M-1", "C-1", 0.95),)), now)
    job.fail_attempt(ErrorInfo.transient("RateLimitError", "429"), now, RetryPolicy(jitter=0))
    return job


def _rows(engine, job_id: str) -> tuple[dict, list[dict]]:
    """The job's row (but its id) and its history rows (but their ids)."""
    with engine.connect() as conn:
        row = conn.execute(select(email_jobs).where(email_jobs.c.id == job_id)).one()._asdict()
        history = [
            r._asdict()
            for r in conn.execute(
                select(job_history).where(job_history.c.job_id == job_id).order_by(job_history.c.id)
            )
        ]
    del row["id"]
    for entry in history:
        del entry["id"], entry["job_id"]
    return row, history


def _counted(engine, write) -> dict:
    before = stored(engine)
    write()
    after = stored(engine)
    zero = (0, 0.0)
    return {
        key: (count - before.get(key, zero)[0], total - before.get(key, zero)[1])
        for key, (count, total) in after.items()
        if (count, total) != before.get(key)
    }


def test_the_intake_job_stays_a_plain_object_through_add_and_commit(uow_factory, queue):
    job = _intake(1)
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.commit()
    assert type(job) is EmailJob and "_sa_instance_state" not in vars(job)
    assert type(job.history) is list and type(job.history[0]) is HistoryEntry
    assert [task.arg for task in queue.tasks] == [job.id] and job.events == []
    assert job.version == 1 and job.history[0].id is not None


@pytest.mark.parametrize("build", [_intake, _worked], ids=["intake", "worked"])
def test_add_stores_a_new_job_exactly_as_the_orm_flush_stores_it(
    build, uow_factory, session_factory, engine
):
    """The same new job written by add() from the plain object and by the ORM flush of the
    mapped class (its counting hook included): the same row, history rows and counts."""
    ours, theirs = build(1), build(2)
    ours_counted = _counted(engine, lambda: _add(uow_factory, ours))

    def through_the_orm() -> None:
        with session_factory() as session:
            session.add(as_stored(theirs))
            session.commit()

    theirs_counted = _counted(engine, through_the_orm)
    assert type(theirs) is StoredEmailJob and theirs.version == 1
    ours_row, ours_history = _rows(engine, ours.id)
    theirs_row, theirs_history = _rows(engine, theirs.id)
    for row in (ours_row, theirs_row):  # the emails' own keys differ
        del row["external_id"], row["zendesk_key"], row["ticket_id"], row["comment_id"]
        del row["message_id"], row["subject"]
    assert ours_row == theirs_row
    assert ours_history == theirs_history and len(ours_history) == len(ours.history)
    assert ours_counted == theirs_counted


def _add(uow_factory, job: EmailJob) -> None:
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.commit()


def test_a_job_changed_after_its_commit_is_resumed_with_that_change(
    uow_factory, session_factory, engine
):
    """What changed between add()'s commit and resume() is written: the conversion knows
    what add() wrote (the counters need the replaced status too)."""
    clock = FakeClock()
    job = _intake(1)
    entry = job.history[0]
    _add(uow_factory, job)
    job.start(clock.now(), LEASE)  # before it is resumed
    with uow_factory() as uow:
        uow.jobs.resume(job)
        uow.commit()
    assert type(job) is StoredEmailJob and job.history[0] is entry
    assert type(entry) is StoredHistoryEntry and inspect(entry).detached
    assert inspect(job).detached and not inspect(job).modified and job.version == 2
    row, history = _rows(engine, job.id)
    assert row["status"] is JobStatus.PROCESSING and row["version"] == 2
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (JobStatus.RECEIVED, JobStatus.QUEUED),
        (JobStatus.QUEUED, JobStatus.PROCESSING),
    ]
    assert SqlCountsCheck(session_factory).verify(repair=False) == []


def test_a_job_resumed_before_its_rows_are_sent_is_written_once(uow_factory, engine):
    """Taken up in its own unit of work while add() still keeps its rows for the commit:
    they are written first, then its change, each once."""
    clock = FakeClock()
    job = _intake(1)
    with uow_factory() as uow:
        uow.jobs.add(job)
        uow.jobs.resume(job)
        job.start(clock.now(), LEASE)
        uow.commit()
    row, history = _rows(engine, job.id)
    assert row["status"] is JobStatus.PROCESSING and row["version"] == job.version == 2
    assert len(history) == 2


def test_a_loaded_job_appends_plain_entries_made_stored_ones(uow_factory, engine):
    """The domain appends a plain HistoryEntry to a loaded job's history: it becomes a
    StoredHistoryEntry in place as it is appended, and is written once with its row's id."""
    clock = FakeClock()
    _add(uow_factory, _intake(1))
    with uow_factory() as uow:
        job = uow.jobs.get(_intake(1).id)
        job.start(clock.now(), LEASE)
        entry = job.history[-1]
        assert type(entry) is StoredHistoryEntry
        uow.commit()
    assert entry.id is not None and inspect(entry).detached
    plain = HistoryEntry(entry.attempt, entry.at, entry.from_status, entry.to_status, "started")
    assert entry == plain and plain == entry, "equal values, as the domain's dataclass has it"
    assert entry != HistoryEntry(entry.attempt, entry.at, entry.from_status, entry.to_status, "x")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(job_history)) == 2


def test_a_job_read_after_add_in_the_same_unit_of_work_is_its_stored_row(uow_factory, queue):
    """A read after add() begins the transaction with the job's rows: it finds them, as a
    StoredEmailJob of its own, while the added job stays plain and publishes its event."""
    job = _intake(1)
    with uow_factory() as uow:
        uow.jobs.add(job)
        loaded = uow.jobs.get(job.id)
        assert type(loaded) is StoredEmailJob and loaded is not job
        assert loaded.status is JobStatus.QUEUED and [h.result for h in loaded.history] == [
            "queued"
        ]
        uow.commit()
    assert type(job) is EmailJob and [task.arg for task in queue.tasks] == [job.id]
