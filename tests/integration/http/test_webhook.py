"""POST /api/v1/webhooks/zendesk against SQLite and PostgreSQL (SPEC §4, §5.1, §5.2, §5.6)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from dependency_injector import providers
from sqlalchemy import select

from adapters.sqlalchemy.orm import email_jobs
from application.ports import StorageUnavailable
from tests.fakes import FakeQueue
from tests.integration.http.conftest import SECRET, payload


def stored(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(email_jobs)).all()


def test_new_email_is_accepted_stored_queued_and_handed_over(client, engine, queue):
    response = client.post_webhook(payload())
    assert response.status_code == 200
    assert response.json == {"status": "accepted"}
    [row] = stored(engine)
    assert row.status == "queued"
    assert row.external_id == "<1@mail.inkasso.example>"
    assert row.ticket_id == 48214
    assert row.attachments[0].filename == "r.pdf"
    assert [t.arg for t in queue.tasks] == [row.id]
    assert "id" not in response.json, "no job id is returned to Zendesk"


def test_same_email_again_is_a_duplicate_and_no_second_job(client, engine, queue):
    assert client.post_webhook(payload()).json == {"status": "accepted"}
    second = client.post_webhook(payload())
    assert second.status_code == 200 and second.json == {"status": "duplicate"}
    assert len(stored(engine)) == 1
    assert len(queue.tasks) == 1


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"message_id": None}, "zendesk:48214:99120312"),
        ({"message_id": None, "comment_id": None}, "sha256:"),
        ({"ticket_id": "48214", "message_id": None}, "zendesk:48214:99120312"),
    ],
)
def test_dedup_key_falls_back(client, engine, overrides, key):
    assert client.post_webhook(payload(**overrides)).status_code == 200
    assert stored(engine)[0].external_id.startswith(key)


def test_defaults_for_optional_fields(client, engine, clock):
    minimal = {"ticket_id": 5, "from_email": "a@b.example", "body_text": "Hallo"}
    assert client.post_webhook(minimal).status_code == 200
    [row] = stored(engine)
    assert row.subject == "" and row.attachments == []
    assert row.received_at.replace(tzinfo=None) == clock.now().replace(tzinfo=None)


def test_unknown_fields_are_ignored(client, engine):
    assert client.post_webhook(payload(extra="x", priority={"a": 1})).status_code == 200
    assert len(stored(engine)) == 1


DEEP = b"[" * 10_000 + b"]" * 10_000
BAD_INPUTS = [
    ("malformed json", b'{"ticket_id": 1,', 400, "invalid_payload"),
    ("invalid utf-8", b'{"ticket_id": "\xff\xfe"}', 400, "invalid_payload"),
    ("10000-deep array", DEEP, 400, "invalid_payload"),
    (
        "deep object in a field",
        b'{"ticket_id": 1, "x": ' + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"}",
        400,
        "invalid_payload",
    ),
    ("top-level array", b"[1, 2]", 400, "invalid_payload"),
    ("top-level string", b'"hello"', 400, "invalid_payload"),
    ("null", b"null", 400, "invalid_payload"),
    ("empty body", b"", 400, "invalid_payload"),
    (
        "NaN",
        b'{"ticket_id": NaN, "from_email": "a@b.example", "body_text": "x"}',
        400,
        "invalid_payload",
    ),
    ("missing ticket_id", payload(ticket_id=None), 400, "ticket_id"),
    ("ticket_id bool", payload(ticket_id=True), 400, "ticket_id"),
    ("ticket_id float", payload(ticket_id=1.5), 400, "ticket_id"),
    ("ticket_id words", payload(ticket_id="12a"), 400, "ticket_id"),
    ("ticket_id negative", payload(ticket_id=-4), 400, "ticket_id"),
    ("ticket_id huge", payload(ticket_id=10**30), 400, "ticket_id"),
    (
        "missing from_email",
        {k: v for k, v in payload().items() if k != "from_email"},
        400,
        "from_email",
    ),
    ("bad from_email", payload(from_email="not-an-address"), 400, "from_email"),
    ("from_email as list", payload(from_email=["a@b.example"]), 400, "from_email"),
    ("no body", payload(body_html="", body_text=""), 400, "body_text"),
    ("whitespace body", payload(body_html="  ", body_text="\n"), 400, "body_text"),
    ("body as number", payload(body_text=12, body_html=None), 400, "body_text"),
    ("received_at garbage", payload(received_at="yesterday"), 400, "received_at"),
    ("attachments not a list", payload(attachments="r.pdf"), 400, "attachments"),
    (
        "attachment without url",
        payload(attachments=[{"filename": "r.pdf"}]),
        400,
        "attachments.0.url",
    ),
    (
        "attachment ftp url",
        payload(attachments=[{"url": "ftp://x/r.pdf"}]),
        400,
        "attachments.0.url",
    ),
    (
        "attachment negative size",
        payload(attachments=[{"url": "https://x/r", "size": -1}]),
        400,
        "attachments.0.size",
    ),
    ("subject as object", payload(subject={"a": 1}), 400, "subject"),
]


@pytest.mark.parametrize(
    ("name", "body", "status", "key"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_gets_a_clear_4xx_and_stores_nothing(
    client, engine, queue, name, body, status, key
):
    response = client.post_webhook(body)
    assert response.status_code == status, response.data[:300]
    assert response.json["error"] == "invalid_payload"
    details = response.json["details"]
    assert isinstance(details, dict) and details
    assert all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in details.values())
    if key != "invalid_payload":
        assert key in details, details
    assert stored(engine) == []
    assert queue.tasks == []


def test_not_json_is_415(client, engine):
    response = client.post_webhook(b"ticket_id=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and response.json == {"error": "unsupported_media_type"}
    assert stored(engine) == []


def test_oversize_body_is_413(make_client, engine):
    client = make_client(max_webhook_bytes=1024)
    response = client.post_webhook(payload(body_text="x" * 2000))
    assert response.status_code == 413 and response.json == {"error": "payload_too_large"}
    assert stored(engine) == []


def test_oversize_without_content_length_is_413(make_client, engine):
    client = make_client(max_webhook_bytes=1024)
    body = json.dumps(payload(body_text="x" * 5000)).encode()
    response = client.http.post(
        "/api/v1/webhooks/zendesk",
        input_stream=__import__("io").BytesIO(body),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn sets for chunked bodies
    )
    assert response.status_code == 413
    assert stored(engine) == []


def ts(clock, seconds=0):
    return (clock.now() + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    "case",
    [
        "missing signature",
        "missing timestamp",
        "wrong secret",
        "tampered body",
        "stale",
        "future",
        "garbage timestamp",
        "not base64",
    ],
)
def test_signature_edge_cases_are_401(client, engine, clock, case):
    body = json.dumps(payload()).encode()
    kwargs = {}
    if case == "missing signature":
        kwargs["headers"] = {"X-Zendesk-Webhook-Signature": None}
        kwargs["signature"] = ""
    elif case == "missing timestamp":
        kwargs["timestamp"] = ""
    elif case == "wrong secret":
        kwargs["secret"] = "not-the-secret"
    elif case == "tampered body":
        from entrypoints.http.signature import sign

        kwargs["signature"] = sign(SECRET, ts(clock), body)
        kwargs["timestamp"] = ts(clock)
        body = body.replace(b"812,40", b"912,40")
    elif case == "stale":
        kwargs["timestamp"] = ts(clock, -301)
    elif case == "future":
        kwargs["timestamp"] = ts(clock, 301)
    elif case == "garbage timestamp":
        kwargs["timestamp"] = "last tuesday"
    elif case == "not base64":
        kwargs["signature"] = "%%%not-base64%%%"
    response = client.post_webhook(body, **kwargs)
    assert response.status_code == 401
    assert response.json == {"error": "invalid_signature"}
    assert stored(engine) == []


def test_timestamp_inside_the_window_and_unix_seconds_are_accepted(client, clock):
    assert client.post_webhook(payload(1), timestamp=ts(clock, -299)).status_code == 200
    assert client.post_webhook(payload(2), timestamp=ts(clock, 299)).status_code == 200
    unix = str(int(clock.now().timestamp()))
    assert client.post_webhook(payload(3), timestamp=unix).status_code == 200


def test_signature_is_checked_before_the_payload(client, engine):
    response = client.post_webhook(b"{not json", secret="wrong")
    assert response.status_code == 401


def test_twenty_concurrent_deliveries_make_one_job(client, engine, queue):
    body = payload()
    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(lambda _: client.post_webhook(body), range(20)))
    statuses = sorted(r.json["status"] for r in responses)
    assert all(r.status_code == 200 for r in responses)
    assert statuses.count("accepted") == 1 and statuses.count("duplicate") == 19
    assert len(stored(engine)) == 1
    assert len(queue.tasks) == 1


def test_database_down_is_503_with_retry_after_and_nothing_half_written(client, engine, queue):
    class DownUnitOfWork:
        def __enter__(self):
            raise StorageUnavailable("connection refused")

        def __exit__(self, *exc):
            return False

    client.app.extensions["container"].unit_of_work.override(providers.Factory(DownUnitOfWork))
    response = client.post_webhook(payload())
    assert response.status_code == 503
    assert response.json == {"error": "unavailable"}
    assert response.headers["Retry-After"] == "5"
    assert stored(engine) == [] and queue.tasks == []


def test_commit_failing_is_503_not_200(client, engine, uow_factory):
    """Guarantee 1: the 200 comes only after the commit succeeded."""

    def failing_uow():
        uow = uow_factory()
        original = uow.commit

        def commit():
            raise StorageUnavailable("disk full")

        uow.commit = commit
        uow._original = original
        return uow

    client.app.extensions["container"].unit_of_work.override(providers.Callable(failing_uow))
    response = client.post_webhook(payload())
    assert response.status_code == 503
    assert stored(engine) == []


def test_200_only_after_the_job_is_committed(client, engine):
    """The queue, called before the answer, can already read the committed job elsewhere."""
    seen = []

    class ReadingQueue(FakeQueue):
        def enqueue_processing(self, job_id, eta=None):
            with engine.connect() as conn:
                seen.append(
                    conn.scalar(select(email_jobs.c.status).where(email_jobs.c.id == job_id))
                )

    client.app.extensions["container"].task_queue.override(providers.Object(ReadingQueue()))
    assert client.post_webhook(payload()).status_code == 200
    assert seen == ["queued"]


def test_queue_down_still_answers_200_and_keeps_the_job(client, engine, queue):
    queue.available = False
    response = client.post_webhook(payload())
    assert response.status_code == 200 and response.json == {"status": "accepted"}
    [row] = stored(engine)
    assert row.status == "queued"


def test_without_a_secret_signatures_are_not_checked(make_client, engine):
    client = make_client(zendesk_webhook_secret=None)
    assert client.post_webhook(payload(), signature="whatever").status_code == 200
