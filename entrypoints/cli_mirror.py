"""`flask reconcile` and `flask audit`: the MongoDB portal mirror against the SQL ledger."""

from __future__ import annotations

import json
import sys
from datetime import timedelta

import click
from dependency_injector.wiring import Provide, inject
from flask.cli import with_appcontext

from application.audit_mirror import HEALTHY
from application.ports import MirrorUnavailable, StorageUnavailable
from entrypoints.container import Container
from entrypoints.settings import Settings


@inject
def _require_mirror(settings: Settings = Provide[Container.settings]) -> None:
    if not settings.mongodb_url:
        raise click.ClickException(
            "MONGODB_URL and MONGODB_DATABASE are not set: there is no portal mirror"
        )


PROGRESS_FROM_ROWS = 200


class _Progress:
    """A click progress bar on stderr, opened only once the audit knows it has many rows."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._bar = None

    def start(self, total: int) -> None:
        if self._enabled and total >= PROGRESS_FROM_ROWS:
            self._bar = click.progressbar(length=total, label="auditing", file=sys.stderr)
            self._bar.__enter__()

    def step(self, rows: int) -> None:
        if self._bar is not None:
            self._bar.update(rows)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@click.command("reconcile")
@with_appcontext
@click.option(
    "--lookback-hours", type=click.FloatRange(min=0, min_open=True), default=48.0, show_default=True
)
@inject
def reconcile(
    lookback_hours: float, reconcile_mirror=Provide[Container.reconcile_mirror.provider]
) -> None:
    """Compare the latest ledger claim per creditor with MongoDB and repair it from the ledger."""
    _require_mirror()
    try:
        report = reconcile_mirror()(timedelta(hours=lookback_hours))
    except (StorageUnavailable, MirrorUnavailable) as exc:
        raise click.ClickException(f"unavailable: {exc}") from exc
    click.echo(
        f"checked {report.checked}  mismatches {report.mismatches}  repaired {report.repaired}  "
        f"unmirrored {report.unmirrored}  errors {report.errors}"
    )
    if report.errors or report.repaired < report.mismatches:
        raise SystemExit(1)


@click.command("audit")
@with_appcontext
@click.option("--lookback-days", type=click.IntRange(min=1), default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@inject
def audit(
    lookback_days: int, as_json: bool, audit_mirror=Provide[Container.audit_mirror.provider]
) -> None:
    """Ledger vs MongoDB: a health score; exit 0 when it is at least 0.95."""
    _require_mirror()
    progress = _Progress(enabled=not as_json)
    try:
        result = audit_mirror()(
            lookback_days, progress=progress.step, progress_total=progress.start
        )
    except StorageUnavailable as exc:
        raise click.ClickException(f"database unavailable: {exc}") from exc
    finally:
        progress.close()
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        click.echo(f"lookback: {lookback_days} day(s)")
        for name in (
            "checked",
            "consistent",
            "mismatched",
            "missing_in_portal",
            "unmirrored",
            "stalled",
        ):
            click.echo(f"  {name:<18} {getattr(result, name)}")
        click.echo(f"  health score       {result.health_score:.4f} (healthy at >= {HEALTHY})")
        click.echo("recovery plan:")
        for step in result.plan:
            click.echo(f"  - {step}")
    raise SystemExit(0 if result.healthy else 1)


COMMANDS = (reconcile, audit)
