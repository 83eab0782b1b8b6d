"""`flask jobs verify-counts`: recount the job counters from `email_jobs` and repair them.

The counters change in the same transaction as every transition, so they should never drift;
this is the check (and the repair) for when something wrote past the mapping, e.g. a manual
UPDATE in psql. Exit 0 when they agree (or were repaired), 1 when a dry run found drift.
"""

from __future__ import annotations

import click
from dependency_injector.wiring import Provide, inject
from flask.cli import with_appcontext

from application.ports import StorageUnavailable
from entrypoints.cli import jobs_cli
from entrypoints.container import Container


@jobs_cli.command("verify-counts")
@with_appcontext
@click.option(
    "--dry-run", is_flag=True, help="Only report the differences; change nothing (exit 1 on drift)."
)
@inject
def verify_counts(dry_run: bool, check=Provide[Container.counts_check]) -> None:
    """Recount jobs per status and open reviews; repair the stored counters."""
    try:
        mismatches = check.verify(repair=not dry_run)
    except StorageUnavailable as exc:
        raise click.ClickException(f"database unavailable: {exc}") from exc
    if not mismatches:
        click.echo("counts agree with the jobs table")
        return
    for m in mismatches:
        name = f"{m.name}{{{m.label}}}" if m.label else m.name
        click.echo(f"{name}: stored {m.stored}, actual {m.actual}")
    if dry_run:
        click.echo(f"{len(mismatches)} counter(s) differ; run without --dry-run to repair")
        raise SystemExit(1)
    click.echo(f"repaired {len(mismatches)} counter(s)")


# A sub-command of `flask jobs` (registered on jobs_cli above): nothing top-level.
COMMANDS = ()
