"""The shipped dashboard and alert rules use only metric names the service exposes (SPEC §11)."""

from __future__ import annotations

import json
import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "monitoring"
EXPOSED = {
    "creditor_inbox_webhook_requests_total",
    "creditor_inbox_jobs",
    "creditor_inbox_jobs_completed_total",
    "creditor_inbox_reviews_open",
    "creditor_inbox_oldest_job_age_seconds",
    "creditor_inbox_job_attempts_failed_total",
    "creditor_inbox_job_queue_wait_seconds_bucket",
    "creditor_inbox_job_processing_seconds_bucket",
    "creditor_inbox_failure_alerts_sent_total",
    "creditor_inbox_recovered_jobs_total",
    "creditor_inbox_unmirrored_claims",
    "creditor_inbox_build_info",
}


def names_in(text: str) -> set[str]:
    return set(re.findall(r"creditor_inbox_[a-z_]+(?=[{\[)\s]|$)", text))


def test_alert_rules_name_only_exposed_metrics():
    text = (DOCS / "alerts.yml").read_text()
    assert names_in(text) <= EXPOSED
    for topic in ("queued", "permanent", "reviews_open", "unmirrored", "worker"):
        assert topic in text


def test_dashboard_is_valid_json_naming_only_exposed_metrics():
    dashboard = json.loads((DOCS / "grafana-dashboard.json").read_text())
    expressions = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    assert expressions
    for expression in expressions:
        assert names_in(expression) <= EXPOSED, expression
    assert all(p["description"] for p in dashboard["panels"])
