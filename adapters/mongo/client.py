"""MongoClient construction with timeouts, and start-up indexes."""

from __future__ import annotations

from pymongo import ASCENDING, MongoClient

TIMEOUT_MS = 5000


def make_client(url: str) -> MongoClient:
    return MongoClient(
        url,
        tz_aware=True,
        serverSelectionTimeoutMS=TIMEOUT_MS,
        connectTimeoutMS=TIMEOUT_MS,
        socketTimeoutMS=TIMEOUT_MS,
        appname="creditor-inbox",
    )


def ensure_indexes(collection) -> None:
    collection.create_index([("reference_norm", ASCENDING)])
    collection.create_index([("creditors.id", ASCENDING)])
    collection.create_index([("creditors.reference_norm", ASCENDING)])
    collection.create_index([("creditors.email", ASCENDING)])
