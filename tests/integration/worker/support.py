"""Helpers the worker, mirror and reliability tests share (not a test module: nothing here is
collected). The sample email, posting it signed through the real app, the fixture directory,
and a real `huey_consumer` process on a test worker's settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from entrypoints.http.app import create_app
from entrypoints.http.signature import sign
from entrypoints.settings import REPO_ROOT
from tests.fixtures.pipeline import FIXTURES

SECRET = "worker-test-secret"
ADMIN_EMAIL = "ops@practice.example"
EMAIL = {
    "ticket_id": 48213,
    "comment_id": 1,
    "message_id": "<worker-test@telekom.example>",
    "from_email": "forderungen@telekom.example",
    "from_name": "Telekom",
    "subject": "AW: Az. 2024/1187",
    "body_text": "Ihre Mandantin Frau Jana Hoffmann: Gesamtforderung 812,40 EUR. Kundennummer: KD-4471-2290",
}
HUEY_CONSUMER = str(Path(sys.executable).parent / "huey_consumer")


def post(worker, payload=EMAIL) -> str:
    app = create_app(worker.container)
    body = json.dumps(payload).encode()
    timestamp = str(int(worker.container.clock().now().timestamp()))
    response = app.test_client().post(
        "/api/v1/webhooks/zendesk",
        data=body,
        content_type="application/json",
        headers={
            "X-Zendesk-Webhook-Signature": sign(SECRET, timestamp, body),
            "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        },
    )
    assert response.status_code == 200, response.json
    with worker.container.unit_of_work() as uow:
        return uow.jobs.get_by_external_id(payload["message_id"]).id


def import_directory(worker) -> None:
    worker.container.sql_directory().import_directory(
        json.loads((FIXTURES / "directory.json").read_text())
    )


def wait_until(condition, timeout: float = 20.0, message: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {message}")


def consumer_process(worker, **env_overrides) -> subprocess.Popen:
    """A real `huey_consumer` (Procfile options) on the worker's settings, output captured."""
    settings = worker.container.settings()
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": settings.database_url,
        "HUEY_NAME": settings.huey_name,
        "HUEY_SQLITE_PATH": settings.huey_sqlite_path,
        "LLM_PROVIDER": settings.llm_provider,
        "ANTHROPIC_API_KEY": settings.anthropic_api_key or "",
        "ANTHROPIC_BASE_URL": settings.anthropic_base_url or "",
        "JOB_LEASE_SECONDS": str(settings.job_lease_seconds),
        "RETRY_MIN_BACKOFF_SECONDS": str(settings.retry_min_backoff_seconds),
        "RETRY_MAX_BACKOFF_SECONDS": str(settings.retry_max_backoff_seconds),
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "json",
    }
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    env.update(env_overrides)
    options = ["-w", "1", "-k", "thread", "-d", "0.05", "-m", "0.2", "-g", "TERM", "-t", "20"]
    return subprocess.Popen(
        [HUEY_CONSUMER, "entrypoints.worker.huey", *options],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
