"""Helpers for console tests: users, logged-in test clients, seeded jobs in every state."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from domain.errors import ErrorInfo
from domain.extraction import Extraction, Match, MatchCandidate
from domain.retry_policy import RetryPolicy
from domain.values import Outcome
from tests.integration.http.conftest import payload

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "page has no CSRF token"
    return found.group(1)


def create_user(app, username: str, role: str) -> None:
    app.extensions["container"].create_user()(username, role, PASSWORD)


def log_in(http, username: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    page = http.get("/console/login")
    return http.post(
        "/console/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(page.text)},
        environ_base={"REMOTE_ADDR": address},
    )


def _job_ids(client, n: int) -> list[str]:
    """Sends n new webhooks; the ids of the jobs they created, in order."""
    engine = client.app.extensions["container"].engine()
    ids = []
    for _ in range(n):
        client.serial = getattr(client, "serial", 0) + 1
        body = payload(client.serial)
        response = client.post_webhook(body)
        assert response.status_code == 200, response.text
        with engine.connect() as conn:
            ids.append(
                conn.execute(
                    sa.text("SELECT id FROM email_jobs WHERE external_id = :key"),
                    {"key": body["message_id"]},
                ).scalar_one()
            )
    return ids


def seed_failed(client, n: int = 1) -> list[str]:
    ids = _job_ids(client, n)
    container = client.app.extensions["container"]
    now = client.clock.now()
    for job_id in ids:
        with container.unit_of_work() as uow:
            job = uow.jobs.get(job_id)
            job.start(now, timedelta(minutes=10))
            job.fail_attempt(
                ErrorInfo.permanent("ValueError", "Betrag nicht lesbar: 'zwölfhundert'"),
                now,
                RetryPolicy(max_retries=0),
            )
            uow.commit()
    return ids


def seed_review(client, body_marker: str = "Die Forderung beträgt 812,40 EUR.") -> str:
    (job_id,) = _job_ids(client, 1)
    container = client.app.extensions["container"]
    now = client.clock.now()
    with container.unit_of_work() as uow:
        job = uow.jobs.get(job_id)
        job.start(now, timedelta(minutes=10))
        job.record_cleaned_body(body_marker, now)
        job.record_extraction(
            Extraction(is_creditor_reply=True, creditor_name="Telekom", extractor="rules"), now
        )
        job.record_match(Match(score=0.6, candidates=(MatchCandidate("M-1", "C-1", 0.6),)), now)
        job.complete(now, Outcome.NEEDS_REVIEW)
        uow.commit()
    return job_id
