"""Transitions of a stored job on prebuilt SQL (adapters/sqlalchemy/job_writes.py and
claim_read.py), on both databases: the domain decides, one UPDATE under the version
compare-and-set persists it with its history entry and the counters' deltas — the same deltas
the ORM flush's counting hook writes — and a stale write is refused before anything is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select, update

from adapters.sqlalchemy import job_writes
from adapters.sqlalchemy.counts_store import SqlCountsCheck
from adapters.sqlalchemy.orm import StoredEmailJob, email_jobs, job_history
from application.ports import ConcurrencyConflict
from domain.errors import ErrorInfo
from domain.model import EmailJob
from domain.retry_policy import RetryPolicy
from domain.values import JobStatus, Outcome
from tests.fakes import FakeClock
from tests.integration.storage.driver_helpers import complete_with_claim, one_client_directory
from tests.integration.storage.test_checkpoints import claimed, statements_of
from tests.integration.storage.test_job_counters import receive, stored
from tests.unit.conftest import CREDITOR_REPLY

LEASE = timedelta(seconds=60)
POLICY = RetryPolicy(max_retries=3, jitter=0)


def through_the_unit_of_work(uow_factory, job_id, action) -> None:
    with uow_factory() as uow:
        job = uow.jobs.get_for_claim(job_id)
        action(job)
        uow.commit()


def through_the_orm_flush(session_factory, job_id, action) -> None:
    """The same change written by the ORM flush and its counting hook (counters.py)."""
    with session_factory() as session:
        job = session.get(StoredEmailJob, job_id)
        action(job)
        session.commit()


def delta(engine, run) -> dict:
    before = stored(engine)
    run()
    after = stored(engine)
    return {
        key: (
            after[key][0] - before.get(key, (0, 0.0))[0],
            after[key][1] - before.get(key, (0, 0.0))[1],
        )
        for key in after
        if after[key] != before.get(key)
    }


def test_the_claim_reads_one_row_and_writes_update_history_and_counters(uow_factory, engine):
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    written = statements_of(
        engine,
        lambda: through_the_unit_of_work(
            uow_factory, job_id, lambda j: j.start(clock.now(), LEASE)
        ),
    )
    kinds = [" ".join(s.split()[:3]) for s in written]
    if engine.dialect.name == "postgresql":
        # One round trip: the entry and the counters are written only if the UPDATE found
        # the row.
        assert kinds == ["SELECT EMAIL_JOBS.ID, EMAIL_JOBS.EXTERNAL_ID,", "WITH UPDATED AS"]
        assert "UPDATE EMAIL_JOBS SET" in written[1] and "INSERT INTO JOB_HISTORY" in written[1]
        assert "INSERT INTO JOB_COUNTERS" in written[1] and "FROM UPDATED)" in written[1]
        assert written[0].endswith("FOR UPDATE OF EMAIL_JOBS SKIP LOCKED"), "SPEC §5.3"
    else:
        assert kinds == [
            "SELECT EMAIL_JOBS.ID, EMAIL_JOBS.EXTERNAL_ID,",
            "UPDATE EMAIL_JOBS SET",
            "INSERT INTO JOB_HISTORY",
            "INSERT INTO JOB_COUNTERS",
        ], written
    assert "EMAIL_JOBS.VERSION = " in written[1], "the compare-and-set"


@pytest.mark.parametrize("outcome", [Outcome.MATCHED, Outcome.NEEDS_REVIEW])
def test_prebuilt_writes_count_exactly_what_the_orm_flush_counts(
    outcome, uow_factory, session_factory, engine
):
    clock = FakeClock()
    ours, orm = receive(uow_factory, 1), receive(uow_factory, 2)
    started, done = clock.now() + timedelta(seconds=3), clock.now() + timedelta(seconds=5)
    boom = ErrorInfo.transient("TimeoutError", "upstream timed out")
    later = done + timedelta(hours=1)
    steps = [
        lambda j: j.start(started, LEASE),
        lambda j: j.fail_attempt(boom, done, POLICY),
        lambda j: j.start(later, LEASE),
        lambda j: j.record_extraction(CREDITOR_REPLY, later),
        lambda j: j.complete(later + timedelta(seconds=2), outcome),
    ]
    for step in steps:
        prebuilt = delta(engine, lambda s=step: through_the_unit_of_work(uow_factory, ours, s))
        flushed = delta(engine, lambda s=step: through_the_orm_flush(session_factory, orm, s))
        assert prebuilt == flushed
    assert SqlCountsCheck(session_factory).verify(repair=False) == []
    with engine.connect() as conn:
        rows = conn.execute(
            select(job_history.c.job_id, job_history.c.result).order_by(job_history.c.id)
        ).all()
    assert [r.result for r in rows if r.job_id == ours] == [
        r.result for r in rows if r.job_id == orm
    ]
    assert len([r for r in rows if r.job_id == ours]) == 5


def test_a_stale_completion_is_refused_and_writes_nothing(uow_factory, engine):
    """SPEC §5.4: the sweep changed the job after this worker's claim; the completion's
    UPDATE finds no row at the version it read, so neither its history entry nor its
    counter deltas remain."""
    clock = FakeClock()
    job = claimed(uow_factory, clock)
    job_id = job.id
    job.record_extraction(CREDITOR_REPLY, clock.now())
    with engine.begin() as conn:  # someone else changed the job meanwhile
        conn.execute(
            update(email_jobs)
            .where(email_jobs.c.id == job_id)
            .values(version=email_jobs.c.version + 1)
        )
    counts, history = stored(engine), _history_rows(engine)
    with uow_factory() as uow, pytest.raises(ConcurrencyConflict):
        uow.jobs.resume(job)
        job.complete(clock.now(), Outcome.NOT_CREDITOR_REPLY)
        uow.commit()
    assert stored(engine) == counts and _history_rows(engine) == history
    with engine.connect() as conn:
        row = conn.execute(select(email_jobs).where(email_jobs.c.id == job_id)).one()
    assert row.status is JobStatus.PROCESSING and row.extraction is None


def test_the_written_job_stays_usable_and_its_next_write_builds_on_it(uow_factory, session_factory):
    clock = FakeClock()
    job = claimed(uow_factory, clock)
    job_id = job.id
    assert [h.result for h in job.history] == ["started"] and job.history[0].id is not None
    job.record_extraction(CREDITOR_REPLY, clock.now())
    with uow_factory() as uow:
        uow.jobs.resume(job)
        job.complete(clock.now(), Outcome.MATCHED)
        uow.commit()
    assert job.events == [], "the commit collected JobCompleted from the written job"
    state = inspect(job)
    assert not state.modified and not state.committed_state, "written: nothing left to write"
    assert [h.result for h in job.history] == ["started", "completed: matched"]
    assert job_writes.planned_write(job) is None
    with uow_factory() as uow:
        stored_job = uow.jobs.get(job_id)
        assert stored_job.version == job.version == 3
        assert [h.result for h in stored_job.history] == ["queued", "started", "completed: matched"]
        assert stored_job.extraction == CREDITOR_REPLY and stored_job.decisions == []


def _history_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(job_history))


def test_a_resumed_job_with_review_decisions_is_written_by_the_orm_and_counted(
    uow_factory, session_factory
):
    """Held outside the session, a resumed job whose change the prebuilt write cannot make
    (a review decision) is handed to the ORM flush and its counting hook at commit."""
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    through_the_unit_of_work(uow_factory, job_id, lambda j: j.start(clock.now(), LEASE))
    through_the_unit_of_work(
        uow_factory, job_id, lambda j: j.complete(clock.now(), Outcome.NEEDS_REVIEW)
    )
    with uow_factory() as uow:
        job = uow.jobs.get(job_id)  # loads history and decisions
    with uow_factory() as uow:
        uow.jobs.resume(job)
        job.resolve_review(None, "alice", clock.now())
        uow.commit()
    assert SqlCountsCheck(session_factory).verify(repair=False) == []
    with uow_factory() as uow:
        stored_job = uow.jobs.get(job_id)
        assert [d.decided_by for d in stored_job.decisions] == ["alice"]
        assert stored_job.version == job.version


def test_a_commit_not_asked_to_be_durable_skips_the_log_flush_wait_for_its_transaction_only(
    uow_factory, engine
):
    """UnitOfWork.commit(durable=False) (ProcessEmail's claim of a local attempt): on
    PostgreSQL the job's statement sets synchronous_commit off for its own transaction (no
    extra round trip); the next transaction on the same connection is durable again. SQLite
    commits never wait for the disk, so nothing changes there."""
    if engine.dialect.name != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    clock = FakeClock()
    settings = []
    for durable in (False, True):
        job_id = receive(uow_factory, 10 + durable)
        with uow_factory() as uow:
            uow.jobs.get_for_claim(job_id).start(clock.now(), LEASE)
            uow._held.flush(durable)
            connection = uow.session.connection()
            settings.append(connection.exec_driver_sql("SHOW synchronous_commit").scalar())
            uow.commit(durable=durable)
        with uow_factory() as uow:
            settings.append(
                uow.session.connection().exec_driver_sql("SHOW synchronous_commit").scalar()
            )
    assert settings == ["off", "on", "on", "on"]
    with engine.connect() as conn:
        statuses = conn.execute(select(email_jobs.c.status)).scalars().all()
    assert statuses == [JobStatus.PROCESSING, JobStatus.PROCESSING]


def test_the_claimed_job_is_attached_and_detached_without_walking_its_relationships(
    uow_factory, monkeypatch
):
    """The claim's read attaches the job as the ORM's loading does, and its prebuilt write
    takes it out of the session with its new entry only: neither session.add's save-update
    cascade nor session.expunge's cascade walks the job's relationships. The job is persistent in the session between
    the two (review decisions would load if touched), and after the commit the job and its
    entry are clean detached objects, the entry with its row's id."""
    from sqlalchemy.orm import Mapper

    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    walked: list[str] = []
    cascade = Mapper.cascade_iterator

    def counted(self, type_, state, *args, **kwargs):
        if isinstance(state.obj(), EmailJob):
            walked.append(type_)
        return cascade(self, type_, state, *args, **kwargs)

    monkeypatch.setattr(Mapper, "cascade_iterator", counted)
    with uow_factory() as uow:
        job = uow.jobs.get_for_claim(job_id)
        state = inspect(job)
        assert state.persistent and state.session_id == uow.session.hash_key
        assert job in uow.session and "decisions" not in state.dict
        job.start(clock.now(), LEASE)
        uow.commit()
        assert job not in uow.session and not uow.session.new
    assert walked == [], "no cascade over the job's relationships"
    assert inspect(job).detached and not inspect(job).committed_state
    entry = job.history[0]
    assert inspect(entry).detached and not inspect(entry).committed_state
    assert entry.id is not None and entry.job_id == job_id and inspect(entry).key[1] == (entry.id,)
    assert job_writes.planned_write(job) is None, "nothing left to write"


def test_a_claimed_job_still_loads_its_review_decisions_when_touched(uow_factory):
    """Attached as the ORM's loading attaches it, the claimed job lazy-loads what was not
    read with it (its review decisions), in the same transaction."""
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    through_the_unit_of_work(uow_factory, job_id, lambda j: j.start(clock.now(), LEASE))
    through_the_unit_of_work(
        uow_factory, job_id, lambda j: j.complete(clock.now(), Outcome.NEEDS_REVIEW)
    )
    through_the_unit_of_work(
        uow_factory, job_id, lambda j: j.resolve_review(None, "alice", clock.now())
    )
    with uow_factory() as uow:
        job = uow.jobs.get_for_claim(job_id)
        assert [d.decided_by for d in job.decisions] == ["alice"]


def test_a_job_loaded_with_its_history_is_detached_with_every_entry_after_its_write(
    uow_factory,
):
    """A job the ORM loaded with its stored history and decisions (uow.jobs.get) and then
    written on prebuilt SQL leaves the session whole (the expunge cascade), stored entries
    and decisions with it."""
    clock = FakeClock()
    job_id = receive(uow_factory, 1)
    with uow_factory() as uow:
        job = uow.jobs.get(job_id)
        stored_entries = list(job.history)
        job.start(clock.now(), LEASE)
        uow.commit()
        assert not any(o in uow.session for o in [job, *job.history])
    assert [h.result for h in job.history] == ["queued", "started"]
    assert all(inspect(h).detached for h in [*stored_entries, *job.history])


def test_a_matched_completion_writes_job_history_counters_ledger_and_directory_at_once(
    uow_factory, session_factory, engine
):
    """On PostgreSQL the ledger row and the directory creditor's claim are CTEs of the
    completion's own statement (one round trip); on SQLite they follow it as before. The
    same rows either way."""
    from decimal import Decimal

    from adapters.sqlalchemy.orm import claim_updates, creditors

    one_client_directory(session_factory)
    clock = FakeClock()
    job = claimed(uow_factory, clock)
    written = statements_of(engine, lambda: complete_with_claim(uow_factory, job, clock))
    if engine.dialect.name == "postgresql":
        assert len(written) == 1, written
        assert "UPDATE EMAIL_JOBS SET" in written[0] and "INSERT INTO CLAIM_UPDATES" in written[0]
        assert "UPDATE CREDITORS SET" in written[0] and "INSERT INTO JOB_COUNTERS" in written[0]
    else:
        assert [" ".join(s.split()[:3]) for s in written] == [
            "UPDATE EMAIL_JOBS SET",
            "INSERT INTO JOB_HISTORY",
            "INSERT INTO JOB_COUNTERS",
            "INSERT INTO CLAIM_UPDATES",
            "UPDATE CREDITORS SET",
        ], written
    with engine.connect() as conn:
        ledger = conn.execute(select(claim_updates)).one()
        claim = conn.execute(
            select(creditors.c.claim_amount, creditors.c.currency, creditors.c.claim_updated_at)
        ).one()
    assert (ledger.job_id, ledger.amount, ledger.source, ledger.supersedes) == (
        job.id,
        Decimal("812.40"),
        "auto",
        None,
    )
    assert tuple(claim) == (Decimal("812.40"), "EUR", clock.now())
    assert SqlCountsCheck(session_factory).verify(repair=False) == []


def test_a_completion_whose_claim_key_exists_writes_no_second_row_nor_the_directory(
    uow_factory, session_factory, engine
):
    from decimal import Decimal

    from adapters.sqlalchemy.orm import claim_updates, creditors

    one_client_directory(session_factory)
    clock = FakeClock()
    first, second = claimed(uow_factory, clock), None
    assert complete_with_claim(uow_factory, first, clock) is True
    with engine.begin() as conn:  # the directory moved on since
        conn.execute(update(creditors).values(claim_amount=Decimal("1.00"), claim_updated_at=None))
    second_id = receive(uow_factory, 2)
    with uow_factory() as uow:
        second = uow.jobs.get_for_claim(second_id)
        second.start(clock.now(), LEASE)
        uow.commit()
    # The same idempotency key (the first job's): the row exists, nothing is written.
    assert complete_with_claim(uow_factory, second, clock, claim_job_id=first.id) is False
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(claim_updates)) == 1
        assert conn.scalar(select(creditors.c.claim_amount)) == Decimal("1.00")
        status = conn.scalar(select(email_jobs.c.status).where(email_jobs.c.id == second_id))
    assert status is JobStatus.COMPLETED


def test_a_stale_matched_completion_writes_no_ledger_row(uow_factory, session_factory, engine):
    """SPEC §5.4: the job changed since this worker's claim: the completion's UPDATE finds
    no row, so neither the ledger row nor the directory claim is written."""
    from adapters.sqlalchemy.orm import claim_updates, creditors

    one_client_directory(session_factory)
    clock = FakeClock()
    job = claimed(uow_factory, clock)
    with engine.begin() as conn:
        conn.execute(
            update(email_jobs)
            .where(email_jobs.c.id == job.id)
            .values(version=email_jobs.c.version + 1)
        )
    counts = stored(engine)
    with pytest.raises(ConcurrencyConflict):
        complete_with_claim(uow_factory, job, clock)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(claim_updates)) == 0
        assert conn.scalar(select(creditors.c.claim_amount)) is None
    assert stored(engine) == counts
