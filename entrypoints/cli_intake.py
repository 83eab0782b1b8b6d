"""`flask intake quarantine list|replay`: deliveries the webhook's last-resort guard kept.

A replay runs the webhook's own parsing and ReceiveEmail (the signature was verified when
the delivery arrived), so a delivery Zendesk meanwhile re-sent successfully is a duplicate.
"""

from __future__ import annotations

from datetime import UTC

import click
from dependency_injector.wiring import Provide, inject
from flask.cli import AppGroup

from application.intake_quarantine import IntakeQuarantine
from application.ports import Clock, StorageUnavailable
from application.receive_email import ReceiveEmail
from entrypoints.container import Container
from entrypoints.http.intake import InvalidDelivery, parse_delivery

intake_cli = AppGroup("intake", help="Intake: quarantined webhook deliveries.")
quarantine_cli = AppGroup("quarantine", help="Deliveries kept after an unexpected intake error.")
intake_cli.add_command(quarantine_cli)


@quarantine_cli.command("list")
@click.option("--all", "include_replayed", is_flag=True, help="Include replayed deliveries.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@inject
def list_quarantine(
    include_replayed: bool,
    limit: int,
    quarantine: IntakeQuarantine = Provide[Container.intake_quarantine],
) -> None:
    """List quarantined deliveries, oldest first (bodies are not shown)."""
    try:
        items = quarantine.list(include_replayed, limit)
    except StorageUnavailable as exc:
        raise click.ClickException(f"database unavailable: {exc}") from exc
    click.echo(f"{len(items)} quarantined deliver{'y' if len(items) == 1 else 'ies'}")
    for item in items:
        replayed = (
            f"replayed {item.replayed_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}: {item.replay_result}"
            if item.replayed_at
            else "pending"
        )
        click.echo(
            f"{item.id:>6}  {item.received_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}  "
            f"{len(item.raw_body):>8} bytes  {item.error_type}: {item.error_message}  [{replayed}]"
        )


@quarantine_cli.command("replay")
@click.argument("ids", nargs=-1, type=click.IntRange(min=1))
@click.option("--all", "replay_all", is_flag=True, help="Replay every pending delivery.")
@inject
def replay_quarantine(
    ids: tuple[int, ...],
    replay_all: bool,
    quarantine: IntakeQuarantine = Provide[Container.intake_quarantine],
    clock: Clock = Provide[Container.clock],
    receive_email: ReceiveEmail = Provide[Container.receive_email],
) -> None:
    """Run quarantined deliveries through intake again. Exit 1 if any could not be taken."""
    if replay_all == bool(ids):
        raise click.ClickException("give quarantine ids or --all (not both)")
    try:
        items = quarantine.list(limit=10_000) if replay_all else [quarantine.get(i) for i in ids]
    except StorageUnavailable as exc:
        raise click.ClickException(f"database unavailable: {exc}") from exc
    problems = 0
    for wanted, item in zip(ids or [None] * len(items), items, strict=True):
        if item is None:
            click.echo(f"{wanted}: no such quarantined delivery", err=True)
            problems += 1
            continue
        outcome, job_id = _replay_one(item, clock, receive_email)
        if outcome in ("accepted", "duplicate", "invalid_payload", "unsupported_media_type"):
            quarantine.mark_replayed(item.id, clock.now(), outcome, job_id)
        else:
            problems += 1
        click.echo(f"{item.id}: {outcome}" + (f" (job {job_id})" if job_id else ""))
    if problems:
        raise SystemExit(1)


def _replay_one(item, clock: Clock, receive_email: ReceiveEmail) -> tuple[str, str | None]:
    try:
        email = parse_delivery(item.raw_body, item.content_type, clock.now())
    except InvalidDelivery as exc:
        return ("invalid_payload" if exc.status == 400 else "unsupported_media_type"), None
    try:
        result = receive_email(email)
    except StorageUnavailable:
        return "unavailable (kept)", None
    except Exception as exc:  # noqa: BLE001 - still failing: keep it quarantined, say why
        return f"error {type(exc).__name__} (kept)", None
    return result.status.value, result.job_id or None


COMMANDS = (intake_cli,)
