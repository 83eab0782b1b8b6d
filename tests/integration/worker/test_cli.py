"""The Flask CLI: jobs list/show/retry/recover, webhook send, directory import."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from dependency_injector import providers
from werkzeug.serving import make_server

from domain.errors import ErrorInfo
from domain.retry_policy import RetryPolicy
from domain.values import InboundEmail
from entrypoints.http.app import create_app
from tests.fakes import FakeQueue
from tests.fixtures.pipeline import FIXTURES
from tests.integration.worker.support import EMAIL


@pytest.fixture
def cli(pipeline_worker):
    worker = pipeline_worker(start=False, directory=False)
    worker.container.task_queue.override(providers.Object(FakeQueue()))
    app = create_app(worker.container)
    runner = app.test_cli_runner()
    runner.worker = worker
    runner.app = app
    return runner


def receive(cli, n: int) -> str:
    payload = {**EMAIL, "message_id": f"<cli-{n}@x>"}

    email = InboundEmail(
        ticket_id=payload["ticket_id"] + n,
        from_email=payload["from_email"],
        received_at=cli.worker.container.clock().now(),
        body_text=payload["body_text"],
        subject=payload["subject"],
        message_id=payload["message_id"],
    )
    return cli.worker.container.receive_email()(email).job_id


def fail(cli, job_id: str) -> None:
    container = cli.worker.container
    with container.unit_of_work() as uow:
        job = uow.jobs.get(job_id)
        now = container.clock().now()
        job.start(now, timedelta(seconds=60))
        job.fail_attempt(ErrorInfo.permanent("ValueError", "bad"), now, RetryPolicy())
        uow.commit()


def test_directory_import_and_bad_files(cli, tmp_path):
    result = cli.invoke(args=["directory", "import", str(FIXTURES / "directory.json")])
    assert result.exit_code == 0, result.output
    assert "imported 8 client(s) and 13 creditor(s)" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = cli.invoke(args=["directory", "import", str(broken)])
    assert result.exit_code == 1 and "not valid JSON" in result.output
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({"clients": [{"id": "M-1"}]}))
    result = cli.invoke(args=["directory", "import", str(invalid)])
    assert (
        result.exit_code == 1
        and "clients[0].name" in result.output
        and "nothing was imported" in result.output
    )


def test_jobs_list_show_and_filters(cli):
    job_id = receive(cli, 1)
    result = cli.invoke(args=["jobs", "list"])
    assert result.exit_code == 0 and job_id in result.output and "queued=1" in result.output
    assert job_id not in cli.invoke(args=["jobs", "list", "--status", "failed"]).output
    shown = cli.invoke(args=["jobs", "show", job_id])
    assert shown.exit_code == 0 and "received → queued" in shown.output
    missing = cli.invoke(args=["jobs", "show", "nope"])
    assert missing.exit_code == 1 and "no job with id nope" in missing.output
    assert cli.invoke(args=["jobs", "list", "--status", "done"]).exit_code == 2


def test_jobs_retry_ids_and_all_failed(cli):
    failed_a, failed_b, queued = receive(cli, 1), receive(cli, 2), receive(cli, 3)
    fail(cli, failed_a)
    fail(cli, failed_b)
    result = cli.invoke(args=["jobs", "retry", failed_a, queued, "missing-id"])
    assert result.exit_code == 1
    assert "retried 1 of 3" in result.output
    assert f"{queued}: not retryable (status queued)" in result.output
    assert "missing-id: no such job" in result.output
    result = cli.invoke(args=["jobs", "retry", "--all-failed"])
    assert result.exit_code == 0 and "retried 1 of 1" in result.output
    assert cli.worker.job(failed_b).status.value == "queued"
    assert cli.invoke(args=["jobs", "retry"]).exit_code == 1


def test_jobs_recover_reports_the_sweep(cli):
    receive(cli, 1)
    queue = cli.worker.container.task_queue()
    queue.tasks.clear()
    result = cli.invoke(args=["jobs", "recover"])
    assert result.exit_code == 0 and "re-queued: 1" in result.output
    assert [t.name for t in queue.tasks] == ["process"]


def test_webhook_send_signs_and_posts(cli, tmp_path):
    server = make_server("127.0.0.1", 0, cli.app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/api/v1/webhooks/zendesk"
        sample = tmp_path / "email.json"
        sample.write_text(json.dumps({**EMAIL, "message_id": "<send@x>"}))
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({"ticket_id": "x"}))
        result = cli.invoke(args=["webhook", "send", str(sample), "--url", url])
        assert result.exit_code == 0 and '200 {"status":"accepted"}' in result.output
        again = cli.invoke(args=["webhook", "send", str(sample), "--url", url])
        assert '{"status":"duplicate"}' in again.output
        wrong_secret = cli.invoke(
            args=["webhook", "send", str(sample), "--url", url, "--secret", "nope"]
        )
        assert wrong_secret.exit_code == 1 and "401" in wrong_secret.output
        invalid = cli.invoke(args=["webhook", "send", str(bad), "--url", url])
        assert invalid.exit_code == 1 and "400" in invalid.output
    finally:
        server.shutdown()
    unreachable = cli.invoke(args=["webhook", "send", str(sample), "--url", url])
    assert unreachable.exit_code == 1 and "cannot reach" in unreachable.output
