"""The jobs API contract (SPEC §4): list, detail, retry, auth, no email bodies."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import ErrorInfo
from domain.retry_policy import RetryPolicy
from tests.integration.http.conftest import payload

JOB_FIELDS = {
    "id",
    "external_id",
    "ticket_id",
    "from_email",
    "subject",
    "status",
    "outcome",
    "attempts",
    "manual_retries",
    "received_at",
    "queued_at",
    "started_at",
    "completed_at",
    "next_attempt_at",
    "processing_seconds",
    "last_error",
    "failure_notified_at",
    "attachments",
}
DETAIL_FIELDS = JOB_FIELDS | {"extraction", "match", "history"}
BODY_FIELDS = {"body_html", "body_text", "cleaned_body", "body"}


def receive(client, count):
    ids = []
    for n in range(count):
        assert client.post_webhook(payload(n)).status_code == 200
        client.clock.advance(1)
    listing = client.get("/api/v1/jobs?limit=200").json
    ids = [item["id"] for item in listing["items"]]
    return list(reversed(ids))


def fail_job(uow_factory, job_id, clock):
    with uow_factory() as uow:
        job = uow.jobs.get(job_id)
        job.start(clock.now(), timedelta(seconds=60))
        job.fail_attempt(
            ErrorInfo.permanent("BadRequestError", "bad request"), clock.now(), RetryPolicy()
        )
        uow.commit()


def test_list_newest_first_with_counts_and_paging(client):
    ids = receive(client, 3)
    body = client.get("/api/v1/jobs").json
    assert [i["id"] for i in body["items"]] == list(reversed(ids))
    assert (body["total"], body["limit"], body["offset"]) == (3, 50, 0)
    assert body["status_counts"] == {
        "received": 0,
        "queued": 3,
        "processing": 0,
        "completed": 0,
        "failed": 0,
    }
    page = client.get("/api/v1/jobs?limit=1&offset=1").json
    assert [i["id"] for i in page["items"]] == [ids[1]]
    assert set(body["items"][0]) == JOB_FIELDS
    assert not BODY_FIELDS & set(body["items"][0])


def test_list_filters_by_status(client, uow_factory):
    ids = receive(client, 2)
    fail_job(uow_factory, ids[0], client.clock)
    failed = client.get("/api/v1/jobs?status=failed").json
    assert [i["id"] for i in failed["items"]] == [ids[0]] and failed["total"] == 1
    assert failed["status_counts"]["failed"] == 1 and failed["status_counts"]["queued"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=201", "limit"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("limit=2.5", "limit"),
        ("offset=-1", "offset"),
        (f"offset={2**63}", "offset"),
        (f"offset={10**40}", "offset"),
        ("offset=1000000001", "offset"),
        ("status=done", "status"),
        ("status=", "status"),
    ],
)
def test_bad_list_arguments_are_400_with_details(client, query, field):
    response = client.get(f"/api/v1/jobs?{query}")
    assert response.status_code == 400
    assert response.json["error"] == "invalid_payload"
    assert list(response.json["details"]) == [field] and response.json["details"][field]


def test_the_largest_offset_is_an_empty_page(client):
    receive(client, 1)
    body = client.get("/api/v1/jobs?offset=1000000000").json
    assert (body["items"], body["total"], body["offset"]) == ([], 1, 1_000_000_000)


def test_storage_down_is_503_with_retry_after_on_every_route(client):
    from dependency_injector import providers

    from application.ports import StorageUnavailable

    class DownQueries:
        def list_jobs(self, *args):
            raise StorageUnavailable("down")

        get_job = list_jobs

    client.app.extensions["container"].job_queries.override(providers.Object(DownQueries()))
    for path in ("/api/v1/jobs", "/api/v1/jobs/some-id"):
        response = client.get(path)
        assert response.status_code == 503 and response.json == {"error": "unavailable"}
        assert response.headers["Retry-After"] == "5"


def test_detail_has_history_and_all_fields_but_no_bodies(client):
    [job_id] = receive(client, 1)
    body = client.get(f"/api/v1/jobs/{job_id}").json
    assert set(body) == DETAIL_FIELDS
    assert body["status"] == "queued" and body["ticket_id"] == 48213
    assert body["history"] == [
        {
            "attempt": 0,
            "at": body["queued_at"],
            "from_status": "received",
            "to_status": "queued",
            "result": "queued",
            "error": None,
        }
    ]
    assert body["attachments"][0]["url"] == "https://z.example/r.pdf"
    assert body["received_at"].startswith("2026-11-20T08:15:00")
    assert "812,40" not in str(body)


def test_detail_of_a_missing_job_is_404(client):
    response = client.get("/api/v1/jobs/does-not-exist")
    assert response.status_code == 404 and response.json == {"error": "not_found"}


def test_retry_a_failed_job_is_202_and_queued(client, uow_factory, queue):
    [job_id] = receive(client, 1)
    fail_job(uow_factory, job_id, client.clock)
    response = client.post(f"/api/v1/jobs/{job_id}/retry")
    assert response.status_code == 202
    assert response.json["status"] == "queued" and response.json["manual_retries"] == 1
    assert response.json["last_error"] == {
        "kind": "permanent",
        "type": "BadRequestError",
        "message": "bad request",
    }
    assert response.json["history"][-1]["result"] == "manual retry"
    assert queue.tasks[-1].arg == job_id


def test_retry_of_a_job_that_is_not_failed_is_409(client):
    [job_id] = receive(client, 1)
    response = client.post(f"/api/v1/jobs/{job_id}/retry")
    assert response.status_code == 409
    assert response.json == {"error": "not_retryable", "status": "queued"}


def test_retry_of_a_missing_job_is_404(client):
    assert client.post("/api/v1/jobs/nope/retry").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic c2VjcmV0", "Bearer", "bearer  "])
def test_token_required_when_configured(make_client, header):
    client = make_client(jobs_api_token="s3cret-token")
    headers = {"Authorization": header} if header else {}
    for method, path in (
        ("get", "/api/v1/jobs"),
        ("get", "/api/v1/jobs/x"),
        ("post", "/api/v1/jobs/x/retry"),
    ):
        response = getattr(client.http, method)(path, headers=headers)
        assert response.status_code == 401
        assert response.json == {"error": "unauthorized"}
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_right_token_opens_the_api_and_health_stays_open(make_client):
    client = make_client(jobs_api_token="s3cret-token")
    assert (
        client.get("/api/v1/jobs", headers={"Authorization": "Bearer s3cret-token"}).status_code
        == 200
    )
    assert client.get("/healthz").status_code == 200
    assert client.post_webhook(payload()).status_code == 200, "the webhook has its own signature"


def test_health_and_readiness(client, queue):
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    queue.available = False
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json == {
        "status": "unavailable",
        "failed": ["queue"],
    }


def test_readiness_names_the_database(client):
    from dependency_injector import providers

    from application.ports import StorageUnavailable

    class DownQueries:
        def ping(self):
            raise StorageUnavailable("down")

    client.app.extensions["container"].job_queries.override(providers.Object(DownQueries()))
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["failed"] == ["database"]


def test_unknown_route_and_wrong_method_are_json(client):
    assert client.get("/nope").json == {"error": "not_found"}
    response = client.get("/api/v1/webhooks/zendesk")
    assert response.status_code == 405 and response.json == {"error": "method_not_allowed"}
