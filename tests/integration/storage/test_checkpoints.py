"""Checkpoints of a held job are one Core UPDATE under the version compare-and-set
(adapters/sqlalchemy/job_writes.py), on both databases: a stale one writes nothing, and the
ORM's later transition commits on the version the checkpoint left."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from adapters.sqlalchemy.orm import email_jobs
from application.ports import ConcurrencyConflict
from domain.values import JobStatus, Outcome
from tests.fakes import FakeClock
from tests.integration.storage.test_job_counters import receive, stored

LEASE = timedelta(seconds=60)


def claimed(uow_factory, clock):
    job_id = receive(uow_factory, 1)
    with uow_factory() as uow:
        job = uow.jobs.get_for_claim(job_id)
        job.start(clock.now(), LEASE)
        uow.commit()
    return job


def statements_of(engine, run) -> list[str]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()).upper())

    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return [s for s in seen if not s.startswith(("BEGIN", "COMMIT", "PRAGMA"))]


def test_a_checkpoint_is_one_update_and_the_next_transition_builds_on_it(uow_factory, engine):
    clock = FakeClock()
    job = claimed(uow_factory, clock)
    counts_before = stored(engine)

    def checkpoint():
        with uow_factory() as uow:
            uow.jobs.resume(job)
            job.record_cleaned_body("Gesamtforderung 812,40 EUR", clock.now())
            uow.commit()

    written = statements_of(engine, checkpoint)
    assert len(written) == 1 and written[0].startswith("UPDATE EMAIL_JOBS SET"), written
    assert "WHERE EMAIL_JOBS.ID" in written[0] and "EMAIL_JOBS.VERSION" in written[0]
    assert stored(engine) == counts_before, "a checkpoint changes no counter"
    with uow_factory() as uow:
        uow.jobs.resume(job)
        job.complete(clock.now(), Outcome.NOT_CREDITOR_REPLY)
        uow.commit()
    with engine.connect() as conn:
        row = conn.execute(select(email_jobs).where(email_jobs.c.id == job.id)).one()
    assert row.cleaned_body == "Gesamtforderung 812,40 EUR"
    assert row.status is JobStatus.COMPLETED and row.version == job.version == 4


def test_a_stale_checkpoint_is_refused_and_writes_nothing(uow_factory, engine):
    clock = FakeClock()
    job = claimed(uow_factory, clock)
    with engine.begin() as conn:  # someone else (the sweep) changed the job meanwhile
        conn.execute(
            update(email_jobs)
            .where(email_jobs.c.id == job.id)
            .values(version=email_jobs.c.version + 1)
        )
    with uow_factory() as uow, pytest.raises(ConcurrencyConflict):
        uow.jobs.resume(job)
        job.record_cleaned_body("late", clock.now())
        uow.commit()
    with engine.connect() as conn:
        body = conn.scalar(select(email_jobs.c.cleaned_body).where(email_jobs.c.id == job.id))
    assert body is None
