"""GET /metrics (SPEC §11): pinned names, every label value present, the counts agree with
status_counts, no per-job label, optional bearer token, database outage."""

from __future__ import annotations

import re
from datetime import timedelta

from dependency_injector import providers
from prometheus_client.parser import text_string_to_metric_families

from application.ports import StorageUnavailable
from domain.errors import ErrorInfo
from domain.retry_policy import RetryPolicy
from tests.integration.http.conftest import payload

PINNED = {
    "creditor_inbox_webhook_requests",
    "creditor_inbox_jobs",
    "creditor_inbox_jobs_completed",
    "creditor_inbox_reviews_open",
    "creditor_inbox_oldest_job_age_seconds",
    "creditor_inbox_job_attempts_failed",
    "creditor_inbox_job_queue_wait_seconds",
    "creditor_inbox_job_processing_seconds",
    "creditor_inbox_failure_alerts_sent",
    "creditor_inbox_recovered_jobs",
    "creditor_inbox_unmirrored_claims",
    "creditor_inbox_build_info",
}


def scrape(client, **kwargs) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.data
    assert response.content_type.startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


def test_every_pinned_name_is_served_with_every_label_value(client):
    samples = scrape(client)
    names = {re.sub(r"_(total|bucket|sum|count)$", "", name) for name, _ in samples}
    assert names >= PINNED
    for status in ("received", "queued", "processing", "completed", "failed"):
        assert value(samples, "creditor_inbox_jobs", status=status) == 0
    for result in (
        "accepted",
        "duplicate",
        "invalid_payload",
        "invalid_signature",
        "payload_too_large",
        "unsupported_media_type",
        "unavailable",
    ):
        assert ("creditor_inbox_webhook_requests_total", (("result", result),)) in samples
    for kind in ("queued", "processing", "review"):
        assert value(samples, "creditor_inbox_oldest_job_age_seconds", status=kind) == 0
    for kind in ("transient", "permanent"):
        assert value(samples, "creditor_inbox_job_attempts_failed_total", kind=kind) == 0
    assert value(samples, "creditor_inbox_reviews_open") == 0


def test_no_label_carries_an_id(client):
    client.post_webhook(payload(1))
    allowed = {"status", "result", "outcome", "kind", "reason", "version", "le"}
    for _name, labels in scrape(client):
        assert {key for key, _ in labels} <= allowed


def test_counts_agree_with_status_counts_and_webhook_answers_are_counted(client, clock):
    before = scrape(client)
    for n in range(3):
        assert client.post_webhook(payload(n)).status_code == 200
    assert client.post_webhook(payload(0)).get_json() == {"status": "duplicate"}
    assert client.post_webhook(payload(9), signature="forged").status_code == 401
    assert client.post_webhook({"ticket_id": "x"}).status_code == 400
    assert client.post_webhook(b"<xml/>", content_type="text/xml").status_code == 415

    job_id = client.get("/api/v1/jobs").get_json()["items"][0]["id"]
    container = client.app.extensions["container"]
    uow = container.unit_of_work
    with uow() as unit:
        job = unit.jobs.get(job_id)
        job.start(clock.now(), timedelta(seconds=60))
        job.fail_attempt(ErrorInfo.permanent("ValueError", "bad"), clock.now(), RetryPolicy())
        unit.commit()
    clock.advance(30)

    after = scrape(client)
    counts = client.get("/api/v1/jobs").get_json()["status_counts"]
    for status, count in counts.items():
        assert value(after, "creditor_inbox_jobs", status=status) == count
    assert counts["queued"] == 2 and counts["failed"] == 1

    def delta(result):
        name = "creditor_inbox_webhook_requests_total"
        return value(after, name, result=result) - value(before, name, result=result)

    assert {r: delta(r) for r in ("accepted", "duplicate", "invalid_signature")} == {
        "accepted": 3,
        "duplicate": 1,
        "invalid_signature": 1,
    }
    assert delta("invalid_payload") == 1 and delta("unsupported_media_type") == 1
    assert value(after, "creditor_inbox_job_attempts_failed_total", kind="permanent") == 1
    assert value(after, "creditor_inbox_oldest_job_age_seconds", status="queued") >= 30
    assert value(after, "creditor_inbox_job_queue_wait_seconds_count") == 1


def test_metrics_token_is_required_when_set(make_client):
    client = make_client(metrics_token="scrape-secret")
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    scrape(client, headers={"Authorization": "Bearer scrape-secret"})


def test_database_down_serves_the_webhook_counter_without_job_numbers(client):
    class Down:
        def snapshot(self, now):
            raise StorageUnavailable("connection refused")

    client.app.extensions["container"].metrics_source.override(providers.Object(Down()))
    samples = scrape(client)
    names = {name for name, _ in samples}
    assert "creditor_inbox_webhook_requests_total" in names
    assert "creditor_inbox_jobs" not in names
