"""Webhook → Huey → completed, retries with the computed delay, alerts, on real services.

Every test runs on SQLite and PostgreSQL (the `database_url` fixture); the Huey storage is
SQLite or the local Redis.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from adapters.sqlalchemy.orm import claim_updates
from tests.integration.messages_api import GOOD, tool_response
from tests.integration.worker.support import post


@pytest.mark.parametrize("huey_backend", ["sqlite", "redis"])
def test_webhook_to_completed_with_one_claim(pipeline_worker, engine, huey_backend):
    worker = pipeline_worker(huey_backend)
    job_id = post(worker)
    job = worker.wait_for(job_id)
    assert job.status.value == "completed" and job.outcome.value == "matched"
    assert (job.match.client_id, job.match.creditor_id) == ("M-1", "C-1")
    assert job.attempts == 1
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(claim_updates)) == 1


def test_transient_error_is_retried_after_the_computed_delay(pipeline_worker, messages_api, engine):
    messages_api.replies.append(
        (529, {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}, 0)
    )
    messages_api.replies.append((200, tool_response(GOOD), 0))
    worker = pipeline_worker(claude=True, retry_min_backoff_seconds=1, retry_max_backoff_seconds=1)
    job_id = post(worker)
    job = worker.wait_for(job_id, timeout=30)
    assert job.status.value == "completed" and job.attempts == 2
    failed, retried = job.history[1:3], job.history[3]
    assert failed[1].error.type == "OverloadedError" and failed[1].to_status.value == "queued"
    # The second attempt started no earlier than the scheduled next attempt (≈ 1 s later).
    assert (retried.at - failed[1].at).total_seconds() >= 0.9
    assert len(messages_api.requests) == 2


def test_permanent_error_fails_and_sends_exactly_one_alert(
    pipeline_worker, messages_api, smtp_server
):
    sink, _ = smtp_server
    messages_api.replies.append(
        (401, {"type": "error", "error": {"type": "authentication_error", "message": "bad key"}}, 0)
    )
    worker = pipeline_worker(claude=True, smtp=True, directory=False)
    job_id = post(worker)
    job = worker.wait_for(job_id)
    assert job.status.value == "failed" and job.attempts == 1
    notified = _wait(lambda: worker.job(job_id).failure_notified_at is not None)
    assert notified
    assert len(sink.messages) == 1
    message = sink.messages[0]
    assert message.rcpt_tos == ["ops@practice.example"]
    text = message.content.decode()
    assert job_id in text and "AuthenticationError" in text and "48213" in text
    # Another hand-over of the alert (e.g. by the sweep) sends nothing more.
    worker.queue.enqueue_failure_alert(job_id)
    worker.container.recover_stalled_jobs()()
    _wait(lambda: False, timeout=1.0)
    assert len(sink.messages) == 1


def test_transient_retries_never_alert(pipeline_worker, messages_api, smtp_server):
    sink, _ = smtp_server
    busy = (503, {"type": "error", "error": {"type": "api_error", "message": "down"}}, 0)
    messages_api.replies.extend([busy, busy, (200, tool_response(GOOD), 0)])
    worker = pipeline_worker(
        claude=True,
        smtp=True,
        directory=False,
        retry_min_backoff_seconds=0.2,
        retry_max_backoff_seconds=0.4,
    )
    job = worker.wait_for(post(worker), timeout=30)
    assert job.status.value == "completed" and job.attempts == 3
    assert sink.messages == []


def _wait(condition, timeout: float = 10.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
