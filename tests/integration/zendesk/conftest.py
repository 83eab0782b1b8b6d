"""The fake Zendesk API server (real HTTP on 127.0.0.1, files on 127.0.0.2) per test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from dependency_injector import providers

from adapters.zendesk.api import ZendeskApiClient
from adapters.zendesk.http import ZendeskHttp
from entrypoints.container import build_container
from entrypoints.http.signature import sign
from entrypoints.settings import Settings
from tests.fakes import FakeQueue
from tests.zendesk_fake.server import EMAIL, TOKEN, FakeZendesk


@pytest.fixture
def zendesk():
    fake = FakeZendesk()
    yield fake
    fake.close()


@pytest.fixture
def api(zendesk) -> ZendeskApiClient:
    client = ZendeskApiClient(ZendeskHttp(zendesk.base_url, EMAIL, TOKEN, timeout_seconds=5))
    yield client
    client.http.close()


WEBHOOK_SECRET = "webhook-secret"


@pytest.fixture
def queue() -> FakeQueue:
    return FakeQueue()


@pytest.fixture
def make_container(database_url, zendesk, queue):
    """A container wired like production against the fake Zendesk; the queue records."""

    def factory(directory: dict | None = None, **overrides):
        values = dict(
            app_env="test",
            database_url=database_url,
            zendesk_webhook_secret=WEBHOOK_SECRET,
            zendesk_base_url=zendesk.base_url,
            zendesk_email=EMAIL,
            zendesk_api_token=TOKEN,
            llm_provider="rules",
            huey_sqlite_path="/tmp/unused-huey.sqlite3",
            log_level="WARNING",
        )
        values.update(overrides)
        container = build_container(Settings(**values))
        container.task_queue.override(providers.Object(queue))
        if directory:
            container.sql_directory().import_directory(directory)
        return container

    return factory


def post_signed(app, body: bytes):
    """POST a rendered trigger body to the webhook, signed like Zendesk signs it."""
    timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return app.test_client().post(
        "/api/v1/webhooks/zendesk",
        data=body,
        content_type="application/json",
        headers={
            "X-Zendesk-Webhook-Signature": sign(WEBHOOK_SECRET, timestamp, body),
            "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        },
    )
