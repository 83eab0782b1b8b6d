"""The Flask app on the real databases (SQLite and PostgreSQL); the queue is a recording fake."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from dependency_injector import providers

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.http.signature import sign
from entrypoints.settings import Settings
from tests.fakes import FakeClock, FakeQueue

SECRET = "test-webhook-secret"
NOW = datetime(2026, 11, 20, 8, 15, tzinfo=UTC)


def payload(n: int = 1, **overrides) -> dict:
    data = {
        "ticket_id": 48213 + n,
        "comment_id": 99120311 + n,
        "message_id": f"<{n}@mail.inkasso.example>",
        "from_email": "forderungen@inkasso.example",
        "from_name": "Inkasso Nord GmbH",
        "subject": "Ihr Schreiben vom 02.11. – Az. 2024/1187",
        "body_html": "<p>Die Forderung beträgt 812,40 EUR.</p>",
        "body_text": "Die Forderung beträgt 812,40 EUR.",
        "received_at": "2026-11-20T08:15:00Z",
        "attachments": [
            {
                "url": "https://z.example/r.pdf",
                "filename": "r.pdf",
                "content_type": "application/pdf",
                "size": 48213,
            }
        ],
    }
    data.update(overrides)
    return data


class Client:
    """A test client that signs like Zendesk does."""

    def __init__(self, app, clock: FakeClock) -> None:
        self.app = app
        self.http = app.test_client()
        self.clock = clock

    def post_webhook(
        self,
        body,
        *,
        secret=SECRET,
        timestamp=None,
        signature=None,
        headers=None,
        content_type="application/json",
    ):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        timestamp = (
            timestamp if timestamp is not None else self.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        all_headers = {
            "X-Zendesk-Webhook-Signature": signature
            if signature is not None
            else sign(secret, timestamp, raw),
            "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        }
        all_headers.update(headers or {})
        all_headers = {k: v for k, v in all_headers.items() if v is not None}
        return self.http.post(
            "/api/v1/webhooks/zendesk", data=raw, headers=all_headers, content_type=content_type
        )

    def get(self, path, **kwargs):
        return self.http.get(path, **kwargs)

    def post(self, path, **kwargs):
        return self.http.post(path, **kwargs)


def make_settings(database_url: str, **overrides) -> Settings:
    values = dict(
        app_env="test",
        database_url=database_url,
        zendesk_webhook_secret=SECRET,
        huey_sqlite_path="/tmp/unused-huey.sqlite3",
        log_format="console",
        log_level="WARNING",
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def queue() -> FakeQueue:
    return FakeQueue()


@pytest.fixture
def make_client(database_url, clock, queue):
    def factory(**settings_overrides) -> Client:
        container = build_container(make_settings(database_url, **settings_overrides))
        container.clock.override(providers.Object(clock))
        container.task_queue.override(providers.Object(queue))
        return Client(create_app(container), clock)

    return factory


@pytest.fixture
def client(make_client) -> Client:
    return make_client()
