"""The mirror on the real databases: SQL ledger reader, worker task, reconcile and audit CLIs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import mongomock
import pytest
from dependency_injector import providers
from sqlalchemy import func, select

from adapters.mongo.directory import MongoClientDirectory
from adapters.mongo.mirror import MongoClaimMirror
from adapters.sqlalchemy.mirror_ledger import SqlMirrorLedger
from adapters.sqlalchemy.orm import claim_updates, reconciliation_reports
from application.mirror_ports import ReconciliationReport
from entrypoints.http.app import create_app
from tests.fixtures.pipeline import FIXTURES
from tests.integration.mongo.conftest import PORTAL
from tests.integration.worker.support import EMAIL, SECRET, post


def portal_collection():
    collection = mongomock.MongoClient(tz_aware=True)["portal"]["clients"]
    collection.insert_many(
        [dict(doc, creditors=[dict(c) for c in doc["creditors"]]) for doc in PORTAL]
    )
    return collection


@pytest.fixture
def mirrored_worker(make_worker):
    collection = portal_collection()
    worker = make_worker(
        "sqlite",
        start=False,
        zendesk_webhook_secret=SECRET,
        mongodb_url="mongodb://mongomock.invalid",
        mongodb_database="portal",
    )
    worker.container.claim_mirror.override(providers.Object(MongoClaimMirror(collection)))
    worker.container.directory.override(providers.Object(MongoClientDirectory(collection)))
    worker.collection = collection
    worker.container.sql_directory().import_directory(
        json.loads((FIXTURES / "directory.json").read_text())
    )
    return worker


def test_matched_claim_reaches_the_portal_after_the_sql_commit(mirrored_worker, engine):
    worker = mirrored_worker.start()
    job_id = post(worker)
    job = worker.wait_for(job_id)
    assert job.outcome.value == "matched", job.match
    mirror = worker.container.claim_mirror()

    def mirrored():
        with engine.connect() as conn:
            return conn.scalar(select(claim_updates.c.mirrored_at)) is not None

    import time

    deadline = time.monotonic() + 15
    while not mirrored() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mirrored()
    assert mirror.current("M-1", "C-1").amount == Decimal("812.40")


def test_mongodb_down_leaves_the_row_unmirrored_and_the_job_unaffected(mirrored_worker, engine):
    from pymongo import MongoClient

    down = MongoClient("mongodb://127.0.0.1:9", serverSelectionTimeoutMS=200, connect=False)[
        "portal"
    ]["clients"]
    mirrored_worker.container.claim_mirror.override(providers.Object(MongoClaimMirror(down)))
    worker = mirrored_worker.start()
    job = worker.wait_for(post(worker))
    assert job.status.value == "completed" and job.outcome.value == "matched"
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(claim_updates)) == 1
        assert conn.scalar(select(claim_updates.c.mirrored_at)) is None
    # MongoDB back: the periodic push (here called directly) catches up.
    mirrored_worker.container.claim_mirror.override(
        providers.Object(MongoClaimMirror(mirrored_worker.collection))
    )
    assert mirrored_worker.container.mirror_claims().push_pending() == 1
    with engine.connect() as conn:
        assert conn.scalar(select(claim_updates.c.mirrored_at)) is not None


def test_mirror_ledger_latest_per_creditor_and_reports(mirrored_worker, engine, session_factory):
    reader = SqlMirrorLedger(session_factory)
    worker = mirrored_worker.start()
    first = worker.wait_for(post(worker))
    second = worker.wait_for(
        post(
            worker,
            {
                **json.loads(json.dumps(_email())),
                "message_id": "<second@x>",
                "body_text": _email()["body_text"].replace("812,40", "900,00"),
            },
        )
    )
    assert first.outcome.value == second.outcome.value == "matched"
    since = datetime.now(UTC) - timedelta(days=1)
    [latest] = reader.latest_per_creditor(since)
    assert latest.claim.amount == Decimal("900.00") and latest.claim.creditor_id == "C-1"
    report = ReconciliationReport(since, since, 48, 1, 0, 0, 0, 0)
    reader.save_report(report)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(reconciliation_reports)) == 1


def _email():
    return EMAIL


def test_reconcile_and_audit_commands(mirrored_worker):
    worker = mirrored_worker.start()
    worker.wait_for(post(worker))
    mirror = worker.container.claim_mirror()
    import time

    deadline = time.monotonic() + 15
    while (mirror.current("M-1", "C-1").amount is None) and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.stop()  # only after the mirror task ran: a stopped consumer runs nothing
    assert mirror.current("M-1", "C-1").amount == Decimal("812.40")
    runner = create_app(worker.container).test_cli_runner()

    healthy = runner.invoke(args=["audit", "--json"])
    assert healthy.exit_code == 0, healthy.output
    assert json.loads(healthy.output)["health_score"] == 1.0

    worker.collection.update_one(
        {"_id": "M-1", "creditors": {"$elemMatch": {"id": "C-1"}}},
        {"$set": {"creditors.$.claim_amount": "1.00"}},
    )
    broken = runner.invoke(args=["audit", "--lookback-days", "30"])
    assert broken.exit_code == 1
    assert "health score       0.0000" in broken.output and "flask reconcile" in broken.output

    repaired = runner.invoke(args=["reconcile", "--lookback-hours", "48"])
    assert repaired.exit_code == 0 and "mismatches 1  repaired 1" in repaired.output
    assert mirror.current("M-1", "C-1").amount == Decimal("812.40")
    assert runner.invoke(args=["audit"]).exit_code == 0


def test_commands_refuse_without_a_mirror(make_worker):
    worker = make_worker("sqlite", start=False)
    runner = create_app(worker.container).test_cli_runner()
    for args in (["audit"], ["reconcile"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and "MONGODB_URL" in result.output
