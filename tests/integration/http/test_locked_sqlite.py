"""SQLite locked by another writer (a long migration, a stuck process): intake answers 503 with
Retry-After once the busy timeout passes, and a read (/readyz, the list) does not wait at all."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from tests.integration.http.conftest import payload

pytestmark = pytest.mark.slow


@pytest.fixture
def sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("the file lock is SQLite's (PostgreSQL: see test_frozen_database)")


def test_locked_sqlite_gives_503_in_time_and_reads_go_on(sqlite_only, client, database_url):
    holder = sa.create_engine(database_url)
    with holder.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # hold the write lock
        started = time.monotonic()
        response = client.post_webhook(payload(n=5))
        intake_s = time.monotonic() - started
        started = time.monotonic()
        ready = client.get("/readyz")
        listing = client.get("/api/v1/jobs")
        reads_s = time.monotonic() - started
        conn.exec_driver_sql("ROLLBACK")
    holder.dispose()
    print(f"\nlocked SQLite: intake 503 after {intake_s:.2f} s; /readyz + list {reads_s:.3f} s")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert ready.status_code == 200 and listing.status_code == 200
    assert client.post_webhook(payload(n=5)).status_code == 200
