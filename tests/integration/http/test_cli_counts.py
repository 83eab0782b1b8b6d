"""`flask jobs verify-counts` on both databases: reports drift, repairs it, exit codes."""

from __future__ import annotations

from sqlalchemy import update

from adapters.sqlalchemy.orm import email_jobs
from tests.integration.http.conftest import payload


def test_verify_counts_reports_and_repairs_drift(client, engine):
    for n in range(2):
        assert client.post_webhook(payload(n)).status_code == 200
    runner = client.app.test_cli_runner()
    result = runner.invoke(args=["jobs", "verify-counts", "--dry-run"])
    assert result.exit_code == 0 and "agree" in result.output

    with engine.begin() as conn:  # drift past the mapping, as a manual UPDATE would cause
        conn.execute(
            update(email_jobs).values(
                status="completed", outcome="needs_review", review_status="open"
            )
        )
    result = runner.invoke(args=["jobs", "verify-counts", "--dry-run"])
    assert result.exit_code == 1
    assert "jobs{queued}: stored 2, actual 0" in result.output
    assert "reviews_open: stored 0, actual 2" in result.output
    assert "completed_jobs{needs_review}: stored 0, actual 2" in result.output

    result = runner.invoke(args=["jobs", "verify-counts"])
    assert result.exit_code == 0 and "repaired 4 counter(s)" in result.output
    counts = client.get("/api/v1/jobs").get_json()["status_counts"]
    assert counts["completed"] == 2 and counts["queued"] == 0
    assert runner.invoke(args=["jobs", "verify-counts", "--dry-run"]).exit_code == 0
