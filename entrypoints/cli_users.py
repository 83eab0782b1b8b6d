"""`flask users create|token|list|disable`: the users of the API and console (SPEC §8).

Whoever runs these commands has the server's shell and database: no further login.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from application.ports import StorageUnavailable
from application.user_ports import UserExists
from application.users.issue_token import UnknownUser, UserDisabled
from domain.users import InvalidUser, Role

users_cli = AppGroup("users", help="Create users, issue API tokens, list and disable users.")


def _container():
    return current_app.extensions["container"]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # One line; the trailing newline of `echo` or a file is not part of the password.
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(username: str, role: str, password_stdin: bool) -> None:
    """Create a user with a role; the password is prompted (or read with --password-stdin)."""
    password = _read_password(password_stdin)
    try:
        user = _container().create_user()(username, role, password)
    except InvalidUser as exc:
        raise click.ClickException(str(exc)) from None
    except UserExists:
        raise click.ClickException(f"a user named {username.strip().lower()!r} exists") from None
    except StorageUnavailable as exc:
        raise click.ClickException(f"database unavailable: {exc}") from None
    click.echo(f"created user {user.username} ({user.role.value})")


@users_cli.command("token")
@click.argument("username")
def issue_token(username: str) -> None:
    """Print a new API token for USERNAME. It is shown once and stored only as a hash."""
    try:
        token = _container().issue_token()(username)
    except (InvalidUser, UnknownUser, UserDisabled) as exc:
        raise click.ClickException(str(exc)) from None
    except StorageUnavailable as exc:
        raise click.ClickException(f"database unavailable: {exc}") from None
    click.echo(token)
    click.echo("Store it now: it cannot be shown again.", err=True)


@users_cli.command("list")
def list_users() -> None:
    """List users with role, state and their tokens."""
    try:
        users = _container().list_users()()
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
def disable_user(username: str) -> None:
    """Disable a user: no login, and none of their tokens works any more."""
    try:
        _container().disable_user()(username)
    except (InvalidUser, UnknownUser) as exc:
        raise click.ClickException(str(exc)) from None
    except StorageUnavailable as exc:
        raise click.ClickException(f"database unavailable: {exc}") from None
    click.echo(f"disabled user {username.strip().lower()}")


COMMANDS = (users_cli,)
