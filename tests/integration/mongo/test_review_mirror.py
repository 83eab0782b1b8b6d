"""A review's claim reaches the portal like any claim, and a correction wins (SPEC §8):
SQL ledger on SQLite and PostgreSQL, the portal on mongomock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import mongomock

from adapters.mongo.mirror import MongoClaimMirror
from adapters.sqlalchemy.directory import SqlClientDirectory
from adapters.sqlalchemy.mirror_ledger import SqlMirrorLedger
from application.mirror_claims import MirrorClaims
from application.reconcile_mirror import ReconcileMirror
from application.review.decide_review import DecideReview
from application.review.reopen_review import ReopenReview
from domain.decisions import MatchDecision
from domain.users import Principal, Role
from domain.values import Outcome
from tests.fakes import FakeClock
from tests.fixtures.review import completed_job, import_directory
from tests.integration.mongo.conftest import PORTAL

JANA = Principal("jana", Role.REVIEWER)


def portal_collection():
    collection = mongomock.MongoClient(tz_aware=True)["portal"]["clients"]
    collection.insert_many([dict(d, creditors=[dict(c) for c in d["creditors"]]) for d in PORTAL])
    return collection


def test_corrected_amount_reaches_the_portal_and_the_replaced_row_never_does(
    uow_factory, session_factory
):
    import_directory(SqlClientDirectory(session_factory))
    collection = portal_collection()
    clock = FakeClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    ledger = SqlMirrorLedger(session_factory)
    push = MirrorClaims(ledger, MongoClaimMirror(collection), clock)
    job_id = completed_job(uow_factory, outcome=Outcome.MATCHED, auto_match=("M-1", "C-1"))
    [auto] = ledger.unmirrored(10)
    assert push(auto.idempotency_key)

    def portal_claim():
        creditor = collection.find_one({"_id": "M-1"})["creditors"][0]
        return Decimal(str(creditor["claim_amount"])), creditor["claim_currency"]

    assert portal_claim() == (Decimal("812.40"), "EUR")
    ReopenReview(uow_factory, clock)(job_id, JANA, note="Betrag falsch gelesen")
    clock.advance(minutes=1)
    job = DecideReview(uow_factory, clock)(
        job_id, MatchDecision("M-1", "C-1", Decimal("790.00")), JANA
    )
    correction = job.review_claim_update(job.decisions[-1])
    assert [e.idempotency_key for e in ledger.unmirrored(10)] == [correction.idempotency_key]
    assert push(correction.idempotency_key)
    assert portal_claim() == (Decimal("790.00"), "EUR")
    # A late push of the replaced row (a duplicate task message) changes nothing.
    assert not push(auto.idempotency_key)
    assert portal_claim() == (Decimal("790.00"), "EUR")
    report = ReconcileMirror(ledger, MongoClaimMirror(collection), clock)(timedelta(days=30))
    assert (report.mismatches, report.errors) == (0, 0)
