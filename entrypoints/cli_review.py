"""`flask review list|match|not-a-reply|reopen|search`: the review queue from a shell (SPEC §8).

`--as USER` decides as that user (who must exist, be enabled and be a reviewer or above);
without it the decision is recorded as `cli:<login name>` — whoever has the server's shell.
"""

from __future__ import annotations

import getpass

import click
from dependency_injector.wiring import Provide, inject
from flask.cli import AppGroup

from application.ports import StorageUnavailable
from application.retry_job import JobNotFound
from application.review.errors import PermissionDenied
from domain.decisions import InvalidDecision, MatchDecision, parse_amount
from domain.review import NotReviewable
from domain.users import InvalidUser, Principal, Role, normalize_username
from entrypoints.container import Container

review_cli = AppGroup("review", help="Work through the review queue.")


@inject
def _principal(username: str | None, users=Provide[Container.user_store]) -> Principal:
    if not username:
        return Principal(f"cli:{getpass.getuser()}"[:64], Role.ADMIN)
    try:
        user = users.get(normalize_username(username))
    except InvalidUser as exc:
        raise click.ClickException(str(exc)) from None
    if user is None or user.disabled:
        raise click.ClickException(f"no enabled user named {username!r}")
    return user.principal


def _age(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} d"


def _decide(run) -> None:
    try:
        job = run()
    except JobNotFound as exc:
        raise click.ClickException(str(exc)) from None
    except NotReviewable as exc:
        raise click.ClickException(f"not reviewable: {exc.reason}") from None
    except (InvalidDecision, PermissionDenied) as exc:
        raise click.ClickException(str(exc)) from None
    except StorageUnavailable as exc:
        raise click.ClickException(f"database unavailable: {exc}") from None
    review = job.review or {}
    click.echo(
        f"{job.id}: outcome {job.outcome.value if job.outcome else '-'}, review "
        f"{review.get('status')} ({review.get('action')} by {review.get('decided_by')})"
    )


@review_cli.command("list")
@click.option("--limit", type=click.IntRange(1, 200), default=50, show_default=True)
@inject
def list_reviews(limit: int, queue=Provide[Container.review_queue.provider]) -> None:
    """Open reviews, oldest first, with the best candidates from the directory."""
    try:
        page = queue()(limit, 0)
    except StorageUnavailable as exc:
        raise click.ClickException(f"database unavailable: {exc}") from None
    click.echo(f"{page.total} open review(s)")
    for item in page.items:
        extraction = item.extraction or {}
        amount = extraction.get("claim_amount")
        click.echo(
            f"{item.job_id}  age {_age(item.age_seconds):>7}  ticket={item.ticket_id}  "
            f"{item.from_email}  amount={amount or '-'} {extraction.get('currency') or ''}"
        )
        for c in item.candidates[:3]:
            click.echo(
                f"    {c.score:.2f}  --client {c.client_id} --creditor {c.creditor_id}  "
                f"{c.client_name or '?'} / {c.creditor_name or '?'}"
            )


@review_cli.command("match")
@click.argument("job_id")
@click.option("--client", "client_id", required=True, help="Directory client id.")
@click.option("--creditor", "creditor_id", required=True, help="Directory creditor id.")
@click.option("--amount", required=True, help='Claim amount, e.g. 1234.56 (">= 0").')
@click.option("--currency", default="EUR", show_default=True)
@click.option("--note", default=None)
@click.option("--remember", is_flag=True, help="Teach the directory this sender and reference.")
@click.option("--as", "as_user", default=None, help="Decide as this user.")
@inject
def match(
    job_id,
    client_id,
    creditor_id,
    amount,
    currency,
    note,
    remember,
    as_user,
    decide=Provide[Container.decide_review.provider],
) -> None:
    """Resolve a review: the email is this client's creditor claiming AMOUNT."""
    principal = _principal(as_user)

    def run():
        decision = MatchDecision(
            client_id=client_id,
            creditor_id=creditor_id,
            claim_amount=parse_amount(amount, "amount"),
            currency=currency.upper(),
            remember=remember,
        )
        return decide()(job_id, decision, principal, note=note)

    _decide(run)


@review_cli.command("not-a-reply")
@click.argument("job_id")
@click.option("--note", default=None)
@click.option("--as", "as_user", default=None, help="Decide as this user.")
@inject
def not_a_reply(
    job_id: str,
    note: str | None,
    as_user: str | None,
    decide=Provide[Container.decide_review.provider],
) -> None:
    """Resolve a review: the email is not a creditor reply."""
    principal = _principal(as_user)
    _decide(lambda: decide()(job_id, None, principal, note=note))


@review_cli.command("reopen")
@click.argument("job_id")
@click.option("--note", default=None)
@click.option("--as", "as_user", default=None, help="Decide as this user.")
@inject
def reopen(
    job_id: str,
    note: str | None,
    as_user: str | None,
    reopen=Provide[Container.reopen_review.provider],
) -> None:
    """Send a matched job (a wrong auto-match) back to the review queue."""
    principal = _principal(as_user)
    _decide(lambda: reopen()(job_id, principal, note=note))


@review_cli.command("search")
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 50), default=20, show_default=True)
@inject
def search(query: str, limit: int, search=Provide[Container.search_directory.provider]) -> None:
    """Find directory clients/creditors by name or reference (for --client/--creditor)."""
    pairs = search()(query, limit)
    if not pairs:
        click.echo("nothing found (at least 2 characters; names or references)")
    for p in pairs:
        click.echo(
            f"--client {p.client_id} --creditor {p.creditor_id}  {p.client_name} "
            f"({p.client_reference or '-'}) / {p.creditor_name} ({p.creditor_reference or '-'})"
        )


COMMANDS = (review_cli,)
