"""Flask CLI: `flask jobs list|show|retry|recover`, `flask webhook send`, `flask directory import`.

Commands take their collaborators with `@inject` / `Provide[Container.…]` from the app's
container, so they run on the same wiring as the web and worker. `register_commands` is the one
place that lists the CLI modules; each module exposes its command groups as `COMMANDS`.
"""

from __future__ import annotations

import importlib
import json
import urllib.error
import urllib.request
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import click
from dependency_injector.wiring import Provide, inject
from flask import Flask
from flask.cli import AppGroup

from application.job_queries import GetJob, ListJobs
from application.ports import ConcurrencyConflict, JobQueries, StorageUnavailable
from application.recover_stalled_jobs import RecoverStalledJobs
from application.retry_job import JobNotFound, NotRetryable, RetryJob
from domain.values import JobStatus
from entrypoints.container import Container
from entrypoints.settings import Settings

# The CLI modules: each exposes COMMANDS (click groups or commands). Add a module here.
CLI_MODULES = (
    "entrypoints.cli",
    "entrypoints.cli_mirror",
    "entrypoints.cli_intake",
    "entrypoints.cli_users",
    "entrypoints.cli_review",
    "entrypoints.cli_zendesk",
    "entrypoints.cli_counts",
)

jobs_cli = AppGroup("jobs", help="Inspect, retry and recover jobs.")
webhook_cli = AppGroup("webhook", help="Send signed sample emails to a running instance.")
directory_cli = AppGroup("directory", help="Manage the SQL client directory.")


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


@jobs_cli.command("list")
@click.option("--status", type=click.Choice([s.value for s in JobStatus]), default=None)
@click.option("--limit", type=click.IntRange(1, 200), default=50, show_default=True)
@inject
def list_jobs(
    status: str | None, limit: int, list_jobs: ListJobs = Provide[Container.list_jobs]
) -> None:
    """List jobs, newest first, with counts per status."""
    try:
        page = list_jobs(status, limit, 0)
    except StorageUnavailable as exc:
        _fail(f"database unavailable: {exc}")
    counts = "  ".join(f"{k}={v}" for k, v in page.status_counts.items())
    click.echo(f"{page.total} job(s)  [{counts}]")
    for job in page.items:
        outcome = job.outcome.value if job.outcome else ""
        click.echo(
            f"{job.id}  {job.status.value:<10} {outcome:<18} attempts={job.attempts}  "
            f"ticket={job.ticket_id}  {_fmt(job.received_at)}  {job.subject[:50]}"
        )


@jobs_cli.command("show")
@click.argument("job_id")
@inject
def show_job(job_id: str, get_job: GetJob = Provide[Container.get_job]) -> None:
    """Show one job with its extraction, match and history."""
    try:
        job = get_job(job_id)
    except JobNotFound:
        _fail(f"no job with id {job_id}")
    except StorageUnavailable as exc:
        _fail(f"database unavailable: {exc}")
    fields = [
        ("id", job.id),
        ("external_id", job.external_id),
        ("ticket_id", job.ticket_id),
        ("from", job.from_email),
        ("subject", job.subject),
        ("status", job.status.value),
        ("outcome", job.outcome.value if job.outcome else None),
        ("attempts", job.attempts),
        ("manual_retries", job.manual_retries),
        ("received_at", job.received_at),
        ("started_at", job.started_at),
        ("completed_at", job.completed_at),
        ("next_attempt_at", job.next_attempt_at),
        ("lease_expires_at", job.lease_expires_at),
        ("failure_notified_at", job.failure_notified_at),
        ("last_error", json.dumps(job.last_error.to_dict()) if job.last_error else None),
        (
            "extraction",
            json.dumps(job.extraction.to_dict(), ensure_ascii=False) if job.extraction else None,
        ),
        ("match", json.dumps(job.match.to_dict()) if job.match else None),
    ]
    for name, value in fields:
        click.echo(f"{name:>20}: {_fmt(value)}")
    click.echo("             history:")
    for entry in job.history:
        error = (
            f"  [{entry.error.kind.value} {entry.error.type}: {entry.error.message}]"
            if entry.error
            else ""
        )
        click.echo(
            f"    #{entry.attempt} {_fmt(entry.at)} {entry.from_status.value} → "
            f"{entry.to_status.value}: {entry.result}{error}"
        )


@jobs_cli.command("retry")
@click.argument("job_ids", nargs=-1)
@click.option("--all-failed", is_flag=True, help="Retry every failed job.")
@inject
def retry_jobs(
    job_ids: tuple[str, ...],
    all_failed: bool,
    queries: JobQueries = Provide[Container.job_queries],
    retry: RetryJob = Provide[Container.retry_job],
) -> None:
    """Retry failed jobs (a fresh retry budget each). Exit 1 if any id was not retryable."""
    if all_failed == bool(job_ids):
        _fail("give job ids or --all-failed (not both)")
    try:
        ids = list(job_ids) or queries.ids_by_status(JobStatus.FAILED)
    except StorageUnavailable as exc:
        _fail(f"database unavailable: {exc}")
    problems: list[str] = []
    with click.progressbar(ids, label="retrying", show_pos=True) as bar:
        for job_id in bar:
            try:
                retry(job_id)
            except JobNotFound:
                problems.append(f"{job_id}: no such job")
            except NotRetryable as exc:
                problems.append(f"{job_id}: not retryable (status {exc.status})")
            except ConcurrencyConflict:
                problems.append(f"{job_id}: changed concurrently, try again")
            except StorageUnavailable as exc:
                problems.append(f"{job_id}: database unavailable ({exc})")
    click.echo(f"retried {len(ids) - len(problems)} of {len(ids)} job(s)")
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)


@jobs_cli.command("recover")
@inject
def recover(sweep: RecoverStalledJobs = Provide[Container.recover_stalled_jobs]) -> None:
    """Run the crash-recovery sweep once now."""
    try:
        report = sweep()
    except StorageUnavailable as exc:
        _fail(f"database unavailable: {exc}")
    click.echo(
        f"expired leases: {len(report.expired_leases)}  re-queued: {len(report.requeued)}  "
        f"alerts re-sent: {len(report.alerts)}  queue errors: {report.queue_errors}"
    )
    if report.queue_errors:
        raise SystemExit(1)


@webhook_cli.command("send")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--url", default=None, help="Webhook URL (default: WEB_URL + /api/v1/webhooks/zendesk)."
)
@click.option("--secret", default=None, help="Signing secret (default: ZENDESK_WEBHOOK_SECRET).")
@inject
def send_webhook(
    files: tuple[Path, ...],
    url: str | None,
    secret: str | None,
    settings: Settings = Provide[Container.settings],
) -> None:
    """Sign and post sample emails (JSON files in the webhook payload format)."""
    from entrypoints.http.signature import sign

    url = url or settings.web_url.rstrip("/") + "/api/v1/webhooks/zendesk"
    secret = secret if secret is not None else settings.zendesk_webhook_secret
    failures = 0
    for path in files:
        body = path.read_bytes()
        timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Zendesk-Webhook-Signature"] = sign(secret, timestamp, body)
            headers["X-Zendesk-Webhook-Signature-Timestamp"] = timestamp
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                click.echo(
                    f"{path}: {response.status} {response.read().decode(errors='replace').strip()}"
                )
        except urllib.error.HTTPError as exc:
            failures += 1
            click.echo(
                f"{path}: {exc.code} {exc.read().decode(errors='replace').strip()}", err=True
            )
        except (urllib.error.URLError, OSError) as exc:
            failures += 1
            click.echo(f"{path}: cannot reach {url}: {getattr(exc, 'reason', exc)}", err=True)
    if failures:
        raise SystemExit(1)


@directory_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@inject
def import_directory(file: Path, directory=Provide[Container.sql_directory]) -> None:
    """Load clients and their creditors (idempotent upsert by id)."""
    try:
        # Amounts as Decimal straight from the text: no float anywhere on the money path.
        data = json.loads(file.read_text(encoding="utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail(f"{file} is not valid JSON: {exc}")
    try:
        report = directory.import_directory(data)
    except ValueError as exc:
        _fail(f"{file}: {exc} (nothing was imported)")
    except StorageUnavailable as exc:
        _fail(f"database unavailable: {exc}")
    click.echo(f"imported {report.clients} client(s) and {report.creditors} creditor(s)")


COMMANDS = (jobs_cli, webhook_cli, directory_cli)


def register_commands(app: Flask, container: Container) -> None:
    modules = [importlib.import_module(name) for name in CLI_MODULES]
    container.wire(modules=modules)
    for module in modules:
        for command in module.COMMANDS:
            app.cli.add_command(command)
