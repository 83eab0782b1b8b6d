"""`flask zendesk trigger-body` and `flask zendesk backfill --since YYYY-MM-DD` (SPEC §10)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click
from dependency_injector.wiring import Provide, inject
from flask.cli import with_appcontext

from application.ports import Clock, StorageUnavailable
from domain.errors import ProcessingError
from entrypoints.container import Container
from entrypoints.http.trigger_body import trigger_body
from entrypoints.settings import Settings

zendesk_cli = click.Group("zendesk", help="Zendesk set-up and the missed-delivery backstop.")


@zendesk_cli.command("trigger-body")
def print_trigger_body() -> None:
    """Print the JSON body to paste into the Zendesk trigger (see docs/zendesk.md)."""
    click.echo(trigger_body())


@zendesk_cli.command("backfill")
@click.option(
    "--since",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Take every public inbound comment created on or after this day (UTC).",
)
@with_appcontext
@inject
def backfill(
    since: datetime,
    settings: Settings = Provide[Container.settings],
    clock: Clock = Provide[Container.clock],
    poll_zendesk=Provide[Container.poll_zendesk.provider],
) -> None:
    """Read Zendesk's ticket export from SINCE and take every comment not yet known.

    Comments the webhook (or an earlier run) already delivered are duplicates and change
    nothing. Interrupted, the same command resumes after the last finished page.
    """
    if settings.zendesk_api_url is None:
        raise click.ClickException(
            "the Zendesk API is not configured: set ZENDESK_SUBDOMAIN (or ZENDESK_BASE_URL), "
            "ZENDESK_EMAIL and ZENDESK_API_TOKEN"
        )
    start = since.replace(tzinfo=UTC)
    now = clock.now()
    if start >= now:
        raise click.BadParameter("must be a day in the past", param_hint="--since")
    poller = poll_zendesk()
    span = max(1, int((now - start).total_seconds()))
    with click.progressbar(length=span, label="Zendesk-Export", file=sys.stderr) as bar:
        done = {"seconds": 0}

        def progress(report) -> None:
            if report.position is not None:
                reached = min(span, int((report.position - start).total_seconds()))
                if reached > done["seconds"]:
                    bar.update(reached - done["seconds"])
                    done["seconds"] = reached

        try:
            report = poller.run(
                f"backfill:{start.date().isoformat()}", start, keep_cursor=False, progress=progress
            )
        except (ProcessingError, StorageUnavailable) as exc:
            raise click.ClickException(f"backfill stopped: {exc} (run it again to resume)") from exc
        if report.finished:
            bar.update(span - done["seconds"])
    click.echo(
        f"{report.pages} pages, {report.tickets} tickets, {report.inbound_comments} inbound "
        f"comments: {report.accepted} new jobs, {report.duplicates} already known"
        + (f", {report.skipped_tickets} tickets skipped" if report.skipped_tickets else "")
    )
    if not report.finished:
        raise click.ClickException("Zendesk asked to wait longer than allowed: run it again later")


COMMANDS = (zendesk_cli,)
