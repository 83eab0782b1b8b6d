"""`flask users create|token|list|disable`: the users of the API and console (SPEC §8).

Whoever runs these commands has the server's shell and database: no further login.
"""

from __future__ import annotations

import sys

import click
from dependency_injector.wiring import Provide, inject
from flask.cli import AppGroup

from application.ports import StorageUnavailable
from application.user_ports import UserExists
from application.users.issue_token import UnknownUser, UserDisabled
from domain.users import InvalidUser, Role
from entrypoints.container import Container

users_cli = AppGroup("users", help="Create users, issue API tokens, list and disable users.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # One line; the trailing newline of `echo` or a file is not part of the password.
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@inject
def create_user(
    username: str, role: str, password_stdin: bool, create=Provide[Container.create_user.provider]
) -> None:
    """Create a user with a role; the password is prompted (or read with --password-stdin)."""
    password = _read_password(password_stdin)
    try:
        user = create()(username, role, password)
    except InvalidUser as exc:
        raise click.ClickException(str(exc)) from None
    except UserExists:
        raise click.ClickException(f"a user named {username.strip().lower()!r} exists") from None
    except StorageUnavailable as exc:
        raise click.ClickException(f"database unavailable: {exc}") from None
    click.echo(f"created user {user.username} ({user.role.value})")


@users_cli.command("token")
@click.argument("username")
@inject
def issue_token(username: str, issue=Provide[Container.issue_token.provider]) -> None:
    """Print a new API token for USERNAME. It is shown once and stored only as a hash."""
    try:
        token = issue()(username)
    except (InvalidUser, UnknownUser, UserDisabled) as exc:
        raise click.ClickException(str(exc)) from None
    except StorageUnavailable as exc:
        raise click.ClickException(f"database unavailable: {exc}") from None
    click.echo(token)
    click.echo("Store it now: it cannot be shown again.", err=True)


@users_cli.command("list")
@inject
def list_users(list_all=Provide[Container.list_users.provider]) -> None:
    """List users with role, state and their tokens."""
    try:
        users = list_all()()
    except StorageUnavailable as exc:
        raise click.ClickException(f"database unavailable: {exc}") from None
    if not users:
        click.echo("no users (create the first admin with: flask users create NAME --role admin)")
        return
    for user in users:
        state = "disabled" if user.disabled else "active"
        used = (
            user.last_token_used_at.strftime("%Y-%m-%d %H:%M") if user.last_token_used_at else "-"
        )
        click.echo(
            f"{user.username:<24} {user.role:<9} {state:<8} tokens={user.tokens}  "
            f"token last used={used}  created={user.created_at:%Y-%m-%d}"
        )


@users_cli.command("disable")
@click.argument("username")
@inject
def disable_user(username: str, disable=Provide[Container.disable_user.provider]) -> None:
    """Disable a user: no login, and none of their tokens works any more."""
    try:
        disable()(username)
    except (InvalidUser, UnknownUser) as exc:
        raise click.ClickException(str(exc)) from None
    except StorageUnavailable as exc:
        raise click.ClickException(f"database unavailable: {exc}") from None
    click.echo(f"disabled user {username.strip().lower()}")


COMMANDS = (users_cli,)
