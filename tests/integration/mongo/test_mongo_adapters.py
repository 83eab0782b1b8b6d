"""Contract of the MongoDB adapters: idempotent apply, order, repair, outage, candidates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from adapters.mongo.directory import MongoClientDirectory
from adapters.mongo.mirror import MongoClaimMirror
from application.ports import MirrorUnavailable
from domain.errors import TransientError
from domain.extraction import Extraction
from domain.values import ClaimUpdate

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def claim(amount: str, at: datetime = T0, creditor: str = "C-1", job: str = "job-1") -> ClaimUpdate:
    return ClaimUpdate(job, "M-1", creditor, Decimal(amount), "EUR", at)


def test_apply_sets_the_claim_as_decimal128_and_records_the_key(clients_collection):
    mirror = MongoClaimMirror(clients_collection)
    update = claim("812.40")
    assert mirror.apply(update, update.idempotency_key) is True
    shown = mirror.current("M-1", "C-1")
    assert (shown.amount, shown.currency) == (Decimal("812.40"), "EUR")
    creditor = clients_collection.find_one({"_id": "M-1"})["creditors"][0]
    assert creditor["claim_updated_at"] == T0, "the older-never-overwrites guard's field"
    assert type(creditor["claim_amount"]).__name__ == "Decimal128"
    assert update.idempotency_key in creditor["applied_update_keys"]


def test_reapplying_the_same_update_is_a_no_op(clients_collection):
    mirror = MongoClaimMirror(clients_collection)
    update = claim("812.40")
    mirror.apply(update, update.idempotency_key)
    clients_collection.update_one(
        {"_id": "M-1", "creditors": {"$elemMatch": {"id": "C-1"}}},
        {"$set": {"creditors.$.name": "renamed"}},
    )
    assert mirror.apply(update, update.idempotency_key) is False
    keys = clients_collection.find_one({"_id": "M-1"})["creditors"][0]["applied_update_keys"]
    assert keys.count(update.idempotency_key) == 1


def test_an_older_update_never_overwrites_a_newer_one(clients_collection):
    mirror = MongoClaimMirror(clients_collection)
    newer, older = (
        claim("500.00", T0 + timedelta(hours=1), job="job-2"),
        claim("900.00", T0, job="job-1"),
    )
    assert mirror.apply(newer, newer.idempotency_key) is True
    assert mirror.apply(older, older.idempotency_key) is False
    assert mirror.current("M-1", "C-1").amount == Decimal("500.00")


def test_a_creditor_without_previous_claim_fields_gets_one(clients_collection):
    mirror = MongoClaimMirror(clients_collection)
    update = claim("77.00", creditor="C-2")
    assert mirror.apply(update, update.idempotency_key) is True
    assert mirror.current("M-1", "C-2").amount == Decimal("77.00")


def test_missing_creditor_changes_nothing(clients_collection):
    mirror = MongoClaimMirror(clients_collection)
    update = claim("1.00", creditor="C-404")
    assert mirror.apply(update, update.idempotency_key) is False
    assert mirror.current("M-1", "C-404") is None
    assert mirror.overwrite(update, update.idempotency_key) is False


def test_overwrite_repairs_from_the_ledger(clients_collection):
    mirror = MongoClaimMirror(clients_collection)
    newer = claim("500.00", T0 + timedelta(hours=1))
    mirror.apply(newer, newer.idempotency_key)
    clients_collection.update_one(
        {"_id": "M-1", "creditors": {"$elemMatch": {"id": "C-1"}}},
        {"$set": {"creditors.$.claim_amount": "oops"}},
    )
    assert mirror.current("M-1", "C-1").amount != Decimal("500.00")
    assert mirror.overwrite(newer, newer.idempotency_key) is True
    assert mirror.current("M-1", "C-1").amount == Decimal("500.00")


def test_directory_candidates_are_the_portals_pairs(clients_collection):
    entries = MongoClientDirectory(clients_collection).candidates(
        Extraction(True, client_reference="2024-1187"), "x@telekom.example"
    )
    pairs = {(e.client_id, e.creditor_id) for e in entries}
    assert {("M-1", "C-1"), ("M-1", "C-2"), ("M-2", "C-3")} == pairs
    telekom = next(e for e in entries if e.creditor_id == "C-1")
    assert (telekom.client_name, telekom.creditor_reference, telekom.creditor_email) == (
        "Jana Hoffmann",
        "KD-4471-2290",
        "forderungen@telekom.example",
    )


def test_large_directory_narrows_by_reference(clients_collection, monkeypatch):
    import adapters.mongo.directory as directory

    monkeypatch.setattr(directory, "SMALL_DIRECTORY_CLIENTS", 0)
    entries = MongoClientDirectory(clients_collection).candidates(
        Extraction(True, client_reference="2024/2001"), "a@nowhere.example"
    )
    assert {(e.client_id, e.creditor_id) for e in entries} == {("M-2", "C-3")}


def test_unreachable_mongodb_is_mirror_unavailable():
    from pymongo import MongoClient

    collection = MongoClient("mongodb://127.0.0.1:9", serverSelectionTimeoutMS=200, connect=False)[
        "x"
    ]["clients"]
    update = claim("1.00")
    with pytest.raises(MirrorUnavailable):
        MongoClaimMirror(collection).apply(update, update.idempotency_key)
    with pytest.raises(MirrorUnavailable):
        MongoClaimMirror(collection).current("M-1", "C-1")
    with pytest.raises(TransientError):
        MongoClientDirectory(collection).candidates(Extraction(True), "a@b.example")
