"""Exactly one claimer, stale commits rejected, one job per delivery (SPEC §5.3-4, §4 dedup)."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text, update

from adapters.sqlalchemy.orm import claim_updates, creditors, email_jobs
from application.ports import ConcurrencyConflict
from application.receive_email import ReceiveEmail, Reception
from domain.values import ClaimUpdate, JobStatus
from tests.fakes import FakeClock
from tests.unit.conftest import make_email


def received(uow_factory, n=1) -> str:
    return ReceiveEmail(uow_factory, FakeClock())(make_email(n)).job_id


def test_two_threads_claiming_the_same_job_exactly_one_wins(uow_factory):
    job_id = received(uow_factory)
    barrier = threading.Barrier(2)
    clock = FakeClock()

    def claim() -> bool:
        barrier.wait(timeout=10)
        with uow_factory() as uow:
            job = uow.jobs.get_for_claim(job_id)
            if job is None or not job.can_start(clock.now()):
                return False
            job.start(clock.now(), timedelta(seconds=60))
            try:
                uow.commit()
            except ConcurrencyConflict:
                return False
            return True

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: claim(), range(2)))
    assert sorted(results) == [False, True]
    with uow_factory() as uow:
        job = uow.jobs.get(job_id)
    assert job.status is JobStatus.PROCESSING and job.attempts == 1
    assert [h.to_status for h in job.history].count(JobStatus.PROCESSING) == 1


def test_skip_locked_passes_over_a_row_another_transaction_holds(
    backend, uow_factory, session_factory
):
    if backend != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite relies on the version CAS")
    job_id = received(uow_factory)
    with session_factory() as holder:
        holder.execute(text("SELECT id FROM email_jobs WHERE id = :id FOR UPDATE"), {"id": job_id})
        with uow_factory() as uow:
            assert uow.jobs.get_for_claim(job_id) is None
        holder.rollback()
    with uow_factory() as uow:
        assert uow.jobs.get_for_claim(job_id) is not None


def test_stale_version_commit_is_rejected_and_leaves_no_claim(uow_factory, engine):
    """A worker holding an outdated copy of the job (it lost its lease) cannot commit it."""
    job_id = received(uow_factory)
    clock = FakeClock()
    with uow_factory() as uow:
        stale = uow.jobs.get(job_id)
    with uow_factory() as uow:
        current = uow.jobs.get(job_id)
        current.start(clock.now(), timedelta(seconds=60))
        uow.commit()
    with uow_factory() as uow:
        uow.jobs.add(stale)
        stale.start(clock.now(), timedelta(seconds=60))
        stale.complete(clock.now(), "matched")
        with pytest.raises(ConcurrencyConflict):  # at the ledger's flush or at commit
            uow.ledger.record(
                ClaimUpdate(job_id, "M-1", "C-1", Decimal("1.00"), "EUR", clock.now())
            )
            uow.commit()
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(claim_updates)) == 0
        row = conn.execute(
            select(email_jobs.c.status, email_jobs.c.attempts).where(email_jobs.c.id == job_id)
        ).one()
    assert tuple(row) == ("processing", 1)


def test_fifty_concurrent_deliveries_of_one_email_make_one_job(uow_factory, engine, queue):
    receive = ReceiveEmail(uow_factory, FakeClock())
    barrier = threading.Barrier(10)

    def deliver(_):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=5)
        return receive(make_email(7)).status

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(deliver, range(50)))
    assert results.count(Reception.ACCEPTED) == 1
    assert results.count(Reception.DUPLICATE) == 49
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(email_jobs)) == 1
    assert len(queue.tasks) == 1


def test_ledger_idempotency_key_prevents_a_second_claim_row(uow_factory, session_factory, engine):
    from adapters.sqlalchemy.directory import SqlClientDirectory

    SqlClientDirectory(session_factory).import_directory(
        {
            "clients": [
                {"id": "M-1", "name": "Jana", "creditors": [{"id": "C-1", "name": "Telekom"}]}
            ]
        }
    )
    job_id = received(uow_factory)
    clock = FakeClock()
    claim = ClaimUpdate(job_id, "M-1", "C-1", Decimal("812.40"), "EUR", clock.now())
    with uow_factory() as uow:
        assert uow.ledger.record(claim) is True
        uow.commit()
    with uow_factory() as uow:
        assert uow.ledger.record(claim) is False
        uow.commit()
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(claim_updates)) == 1
        amount = conn.execute(
            select(creditors.c.claim_amount, creditors.c.currency).where(creditors.c.id == "C-1")
        ).one()
    assert tuple(amount) == (Decimal("812.40"), "EUR")


def test_a_repeated_claim_leaves_the_directory_claim_alone(uow_factory, session_factory, engine):
    """The ledger row and the directory's claim are one statement on PostgreSQL: the
    directory changes only when the row is written, as with two statements on SQLite."""
    from adapters.sqlalchemy.directory import SqlClientDirectory

    SqlClientDirectory(session_factory).import_directory(
        {
            "clients": [
                {"id": "M-1", "name": "Jana", "creditors": [{"id": "C-1", "name": "Telekom"}]}
            ]
        }
    )
    job_id = received(uow_factory)
    claim = ClaimUpdate(job_id, "M-1", "C-1", Decimal("812.40"), "EUR", FakeClock().now())
    with uow_factory() as uow:
        assert uow.ledger.record(claim) is True
        uow.commit()
    with engine.begin() as conn:  # the directory moved on since (an import, a later booking)
        conn.execute(update(creditors).values(claim_amount=Decimal("1.00"), claim_updated_at=None))
    with uow_factory() as uow:
        assert uow.ledger.record(claim) is False
        uow.commit()
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(claim_updates)) == 1
        amount = conn.scalar(select(creditors.c.claim_amount).where(creditors.c.id == "C-1"))
    assert amount == Decimal("1.00")
