"""MongoClient construction with timeouts, and start-up indexes."""

from __future__ import annotations

import structlog
from pymongo import ASCENDING, MongoClient

from adapters.mongo.errors import translated

log = structlog.get_logger(__name__)

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


def clients_collection(settings):
    """The portal's `clients` collection, indexes ensured (a failure is logged, retried at start)."""
    collection = make_client(settings.mongodb_url)[settings.mongodb_database]["clients"]
    try:
        with translated():
            ensure_indexes(collection)
    except Exception as exc:  # noqa: BLE001 - the portal may be down at start; not fatal
        log.warning("mongo_indexes_not_created", error=str(exc))
    return collection
