"""Errors in the web and the worker never put a secret, a token or email content into a log
line or into last_error (issue 11: locals in tracebacks, DBAPI parameters and rows)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from dependency_injector import providers
from huey import MemoryHuey
from sqlalchemy import text

from adapters.huey.memory import MemoryGuard
from adapters.huey.tasks import HueyTasks
from tests.integration.http.conftest import SECRET, payload

API_TOKEN = "jobs-token-7f3a9c"
SMTP_PASSWORD = "smtp-pass-c81d22"
ANTHROPIC_KEY = "sk-ant-api03-e5b0f1"
MARKER = "BODY-MARKER-4711"
SECRETS = (SECRET, API_TOKEN, SMTP_PASSWORD, ANTHROPIC_KEY)


def failing_write(container):
    """A use case that fails inside the database with the email in its parameters and the
    settings in its local variables, as a real bug would."""
    engine = container.engine()

    def run(email_or_id):
        settings = container.settings()  # noqa: F841 - locals are what leaked before
        body = getattr(email_or_id, "body_text", MARKER + " " + str(email_or_id))
        with engine.begin() as conn:
            # NOT NULL violation; PostgreSQL's DETAIL quotes the whole failing row.
            conn.execute(
                text("INSERT INTO clients (id, name, updated_at) VALUES (:id, :name, NULL)"),
                {"id": body[:60], "name": body},
            )

    return run


def use_cases(process_email):
    """The tasks' use cases: the container's, with processing swapped for the test's."""
    return SimpleNamespace(process_email=process_email)


class BodyEchoingExtractor:
    name = "body-echo"

    def extract(self, cleaned_body, subject, from_email, from_name):
        raise ValueError(f"cannot read '{cleaned_body}'")


def assert_clean(output: str) -> None:
    assert output.strip(), "nothing was logged: the test would prove nothing"
    for value in (*SECRETS, MARKER):
        assert value not in output, f"{value} reached the logs:\n{output[-3000:]}"


@pytest.mark.parametrize("log_format", ["json", "console"])
def test_web_and_worker_errors_log_no_secret_and_no_body(make_client, engine, capsys, log_format):
    client = make_client(
        log_format=log_format,
        log_level="INFO",
        jobs_api_token=API_TOKEN,
        smtp_password=SMTP_PASSWORD,
        anthropic_api_key=ANTHROPIC_KEY,
        smtp_host="127.0.0.1",
        admin_email="ops@example.com",
    )
    container = client.app.extensions["container"]
    raw = json.dumps(payload(n=3, body_text=f"{MARKER} Forderung 812,40 EUR")).encode()

    # Web: an unexpected database error at intake (the last-resort guard logs it).
    container.receive_email.override(providers.Callable(failing_write, container))
    assert client.post_webhook(raw).status_code == 503
    container.receive_email.reset_override()
    response = client.http.get(
        "/api/v1/jobs/nope", headers={"Authorization": f"Bearer {API_TOKEN}"}
    )
    assert response.status_code == 404

    # Worker: a job whose extraction fails with the body in the message (permanent, traced)…
    assert client.post_webhook(raw).json == {"status": "accepted"}
    job_id = container.job_queries().ids_by_status("queued")[0]
    container.extractor.override(providers.Object(BodyEchoingExtractor()))
    huey = MemoryHuey("test-logs", immediate=True, results=False)
    tasks = HueyTasks(huey, use_cases(container.process_email), MemoryGuard(10_000))
    tasks.process_email(job_id)
    job = container.job_queries().get_job(job_id)
    assert job.status.value == "failed" and job.last_error.type == "ValueError"
    assert MARKER not in job.last_error.message and MARKER not in str(job.history[-1].error)

    # …and a task that dies in the database with the body in its parameters.
    tasks = HueyTasks(
        MemoryHuey("test-logs-2", immediate=True, results=False),
        use_cases(lambda: failing_write(container)),
        MemoryGuard(10_000),
    )
    tasks.process_email(job_id)

    output = capsys.readouterr().err
    assert "intake_unexpected_error" in output and "attempt_aborted" in output
    assert "attempt_failed" in output
    assert "Traceback" in output or '"exc_type"' in output, "tracebacks are kept (without locals)"
    assert_clean(output)


def test_redaction_reaches_nested_keys_and_secret_values_anywhere(make_client, capsys):
    import structlog

    make_client(log_level="INFO", jobs_api_token=API_TOKEN, log_format="json")
    log = structlog.get_logger("test")
    log.warning(
        "probe",
        settings={"smtp": {"smtp_password": "pw-nested-1"}, "list": [{"body_html": MARKER}]},
        note=f"header was Bearer {API_TOKEN}",
    )
    line = capsys.readouterr().err.strip().splitlines()[-1]
    record = json.loads(line)
    assert record["settings"]["smtp"]["smtp_password"] == "[redacted]"
    assert record["settings"]["list"][0]["body_html"] == "[redacted]"
    assert record["note"] == "header was Bearer [redacted]"
