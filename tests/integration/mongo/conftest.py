"""The portal's `clients` collection on mongomock, and on a real MongoDB when MONGODB_URL is set."""

from __future__ import annotations

import os
import uuid

import mongomock
import pytest

from adapters.mongo.client import ensure_indexes, make_client

PORTAL = [
    {
        "_id": "M-1",
        "name": "Jana Hoffmann",
        "reference": "2024/1187",
        "reference_norm": "20241187",
        "creditors": [
            {
                "id": "C-1",
                "name": "Telekom Deutschland GmbH",
                "reference": "KD-4471-2290",
                "reference_norm": "KD44712290",
                "email": "forderungen@telekom.example",
                "claim_updated_at": None,
                "applied_update_keys": [],
            },
            {
                "id": "C-2",
                "name": "Vodafone GmbH",
                "reference": "VF-88123",
                "email": "inkasso@vodafone.example",
            },
        ],
    },
    {
        "_id": "M-2",
        "name": "Peter Krause",
        "reference": "2024/2001",
        "creditors": [{"id": "C-3", "name": "Otto GmbH & Co KG", "reference": "OT-334455"}],
    },
]


@pytest.fixture(params=["mongomock", "mongodb"])
def clients_collection(request):
    if request.param == "mongomock":
        collection = mongomock.MongoClient(tz_aware=True)["portal"]["clients"]
        database = None
    else:
        url = os.environ.get("MONGODB_URL")
        if not url:
            pytest.skip(
                "MONGODB_URL is not set: the real-server run of the MongoDB contract tests is skipped"
            )
        client = make_client(url)
        database = f"creditor_inbox_test_{uuid.uuid4().hex[:8]}"
        collection = client[database]["clients"]
    ensure_indexes(collection)
    collection.insert_many(
        [dict(doc, creditors=[dict(c) for c in doc["creditors"]]) for doc in PORTAL]
    )
    yield collection
    if database is not None:
        collection.database.client.drop_database(database)


# The worker harness (a production-wired container with a real consumer) serves here too.
from tests.integration.worker.conftest import make_worker, redis_url  # noqa: E402, F401
