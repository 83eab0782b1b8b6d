"""Read queries, the sweep's id queries and the directory import, on both backends."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from adapters.sqlalchemy.directory import SqlClientDirectory
from adapters.sqlalchemy.orm import clients, creditors
from adapters.sqlalchemy.queries import SqlJobQueries
from application.receive_email import ReceiveEmail
from domain.errors import ErrorInfo
from domain.extraction import Extraction
from domain.model import EmailJob
from domain.retry_policy import RetryPolicy
from domain.values import JobStatus
from tests.fakes import FakeClock, FakeJobRepository
from tests.unit.conftest import make_email

DIRECTORY = {
    "clients": [
        {
            "id": "M-1",
            "name": "Jana Hoffmann",
            "reference": "2024/1187",
            "birth_date": "1980-02-01",
            "creditors": [
                {
                    "id": "C-1",
                    "name": "Telekom Deutschland GmbH",
                    "reference": "KD-4471-2290",
                    "email": "forderung@telekom.example",
                    "claim_amount": "812.40",
                    "currency": "EUR",
                },
                {"id": "C-2", "name": "Vodafone GmbH", "reference": "VF 99"},
            ],
        },
        {"id": "M-2", "name": "Peter Krause", "creditors": []},
    ]
}


def seed(uow_factory, clock, count):
    receive = ReceiveEmail(uow_factory, clock)
    ids = []
    for n in range(count):
        ids.append(receive(make_email(n, received_at=clock.now())).job_id)
        clock.advance(1)
    return ids


def test_list_filters_pages_newest_first_and_counts(uow_factory, session_factory):
    clock = FakeClock()
    ids = seed(uow_factory, clock, 5)
    with uow_factory() as uow:
        job = uow.jobs.get(ids[0])
        job.start(clock.now(), timedelta(seconds=60))
        uow.commit()
    queries = SqlJobQueries(session_factory)
    page = queries.list_jobs(JobStatus.QUEUED, limit=2, offset=1)
    assert [j.id for j in page.items] == [ids[3], ids[2]]
    assert page.total == 4
    assert page.status_counts == {
        "received": 0,
        "queued": 4,
        "processing": 1,
        "completed": 0,
        "failed": 0,
    }
    everything = queries.list_jobs(None, limit=200, offset=0)
    assert [j.id for j in everything.items] == list(reversed(ids))
    assert everything.total == 5
    detail = queries.get_job(ids[0])
    assert [h.to_status for h in detail.history] == [JobStatus.QUEUED, JobStatus.PROCESSING]
    assert queries.get_job("missing") is None
    assert queries.ids_by_status(JobStatus.PROCESSING) == [ids[0]]
    queries.ping()


def test_sweep_queries_agree_with_the_fake(uow_factory):
    """The SQL id queries select exactly what tests/fakes.py (the reference) selects."""
    from tests.fakes import FakeDatabase

    clock = FakeClock()
    t0 = clock.now()
    policy = RetryPolicy(jitter=0)
    jobs = []
    for n, state in enumerate(
        ["received", "queued", "retry", "processing", "expired", "failed", "alerted", "done"]
    ):
        job = EmailJob(f"00000000-0000-0000-0000-00000000000{n}", make_email(n), received_at=t0)
        if state != "received":
            job.enqueue(t0)
        if state in {"retry", "processing", "expired", "failed", "alerted", "done"}:
            job.start(t0, timedelta(seconds=30 if state == "expired" else 3600))
        if state == "retry":
            job.fail_attempt(ErrorInfo.transient("X", "x"), t0, policy)
        if state in {"failed", "alerted"}:
            job.fail_attempt(ErrorInfo.permanent("X", "x"), t0, policy)
        if state == "alerted":
            job.mark_failure_notified(t0)
        if state == "done":
            job.complete(t0, "not_creditor_reply")
        jobs.append(job)
    fake_db = FakeDatabase()
    with uow_factory() as uow:
        for job in jobs:
            uow.jobs.add(job)
            fake_db.jobs[job.id] = job
        uow.commit()
    fake = FakeJobRepository(fake_db)
    for now in (t0 + timedelta(seconds=10), t0 + timedelta(seconds=31), t0 + timedelta(hours=2)):
        older_than = now - timedelta(seconds=60)
        with uow_factory() as uow:
            assert sorted(uow.jobs.expired_lease_ids(now, 100)) == sorted(
                fake.expired_lease_ids(now, 100)
            )
            assert sorted(uow.jobs.unhanded_ids(older_than, 100)) == sorted(
                fake.unhanded_ids(older_than, 100)
            )
            assert sorted(uow.jobs.unalerted_failure_ids(older_than, 100)) == sorted(
                fake.unalerted_failure_ids(older_than, 100)
            )
    with uow_factory() as uow:
        later = t0 + timedelta(hours=2)
        assert set(uow.jobs.unhanded_ids(later, 100)) == {jobs[0].id, jobs[1].id, jobs[2].id}
        assert uow.jobs.unalerted_failure_ids(later, 100) == [jobs[5].id]
        assert set(uow.jobs.expired_lease_ids(later, 100)) == {jobs[3].id, jobs[4].id}


def test_directory_import_is_an_idempotent_upsert(session_factory, engine):
    directory = SqlClientDirectory(session_factory)
    report = directory.import_directory(DIRECTORY)
    assert (report.clients, report.creditors) == (2, 2)
    renamed = {"clients": [{**DIRECTORY["clients"][0], "name": "Jana Hoffmann-Berg"}]}
    directory.import_directory(renamed)
    directory.import_directory(renamed)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(clients)) == 2
        assert conn.scalar(select(func.count()).select_from(creditors)) == 2
        assert (
            conn.scalar(select(clients.c.name).where(clients.c.id == "M-1")) == "Jana Hoffmann-Berg"
        )
        assert conn.scalar(
            select(creditors.c.claim_amount).where(creditors.c.id == "C-1")
        ) == Decimal("812.40")
    entries = directory.candidates(
        Extraction(True, client_reference="2024-1187"), "x@telekom.example"
    )
    assert {(e.client_id, e.creditor_id) for e in entries} == {("M-1", "C-1"), ("M-1", "C-2")}
    assert next(e for e in entries if e.creditor_id == "C-1").creditor_reference == "KD-4471-2290"


def test_directory_is_read_once_and_read_again_when_any_process_changes_it(
    session_factory, engine, monkeypatch
):
    from adapters.sqlalchemy import directory

    SqlClientDirectory(session_factory).import_directory(DIRECTORY)
    monkeypatch.setattr(directory, "STAMP_CHECK_SECONDS", 3600.0)
    worker = SqlClientDirectory(session_factory)
    reply = Extraction(True, client_reference="2024-1187")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    def names() -> dict[str, str]:
        return {e.creditor_id: e.creditor_name for e in worker.candidates(reply, "x@y.example")}

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert names() == {"C-1": "Telekom Deutschland GmbH", "C-2": "Vodafone GmbH"}
        statements.clear()
        assert names()["C-2"] == "Vodafone GmbH"
        assert statements == [], "shortly after a check: no query at all"
        monkeypatch.setattr(directory, "STAMP_CHECK_SECONDS", 0.0)
        assert names()["C-2"] == "Vodafone GmbH"
        assert len(statements) == 1, "a look-up with nothing changed reads only the stamp"
        # Another process (here: another instance) renames a creditor, then adds a client.
        renamed = {
            "clients": [
                {
                    **DIRECTORY["clients"][0],
                    "creditors": [
                        {"id": "C-2", "name": "Vodafone West GmbH", "reference": "VF 99"}
                    ],
                }
            ]
        }
        SqlClientDirectory(session_factory).import_directory(renamed)
        assert names()["C-2"] == "Vodafone West GmbH"
        added = {
            "clients": [
                {"id": "M-3", "name": "Ida Neu", "creditors": [{"id": "C-9", "name": "Stadtwerke"}]}
            ]
        }
        SqlClientDirectory(session_factory).import_directory(added)
        assert names()["C-9"] == "Stadtwerke"
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "clients"),
        ({"clients": {}}, "clients"),
        ({"clients": [{"name": "x"}]}, r"clients\[0\].id"),
        ({"clients": [{"id": "M-9", "name": ""}]}, r"clients\[0\].name"),
        ({"clients": [{"id": "M-9", "name": "X", "birth_date": "01.02.1980"}]}, "birth_date"),
        (
            {
                "clients": [
                    {
                        "id": "M-9",
                        "name": "X",
                        "creditors": [{"id": "C-9", "name": "Y", "claim_amount": "12,50 EUR"}],
                    }
                ]
            },
            "claim_amount",
        ),
        (
            {
                "clients": [
                    {
                        "id": "M-9",
                        "name": "X",
                        "creditors": [{"id": "C-9", "name": "Y", "claim_amount": "-1"}],
                    }
                ]
            },
            "claim_amount",
        ),
        (
            {
                "clients": [
                    {
                        "id": "M-9",
                        "name": "X",
                        # Beyond the ledger's NUMERIC(12, 2): refused, not an overflow later.
                        "creditors": [{"id": "C-9", "name": "Y", "claim_amount": "1e12"}],
                    }
                ]
            },
            "claim_amount",
        ),
        (
            {
                "clients": [
                    {
                        "id": "M-9",
                        "name": "X",
                        "creditors": [{"id": "C-9", "name": "Y", "currency": "EURO"}],
                    }
                ]
            },
            "currency",
        ),
        ({"clients": [{"id": "M-9", "name": "X"}, {"id": "M-9", "name": "X"}]}, "duplicate client"),
        ({"clients": [{"id": "M-9", "name": "X", "creditors": "C-1"}]}, "creditors"),
    ],
)
def test_bad_directory_is_rejected_and_nothing_is_written(session_factory, engine, data, message):
    # The first client is valid: a later error must roll it back too.
    if isinstance(data, dict) and isinstance(data.get("clients"), list):
        data = {"clients": [{"id": "M-OK", "name": "Valid Client"}, *data["clients"]]}
        message = message.replace(r"clients\[0\]", r"clients\[1\]")
    with pytest.raises(ValueError, match=message):
        SqlClientDirectory(session_factory).import_directory(data)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(clients)) == 0
