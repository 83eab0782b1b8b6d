"""IssueToken: a new API token for a user, returned once and stored only as its hash."""

from __future__ import annotations

import hashlib
import logging
import secrets

from application.ports import Clock
from application.user_ports import UserStore
from domain.users import normalize_username

log = logging.getLogger(__name__)

TOKEN_PREFIX = "cit_"


class UnknownUser(LookupError):
    def __init__(self, username: str) -> None:
        super().__init__(f"no user named {username!r}")
        self.username = username


class UserDisabled(Exception):
    def __init__(self, username: str) -> None:
        super().__init__(f"user {username!r} is disabled")
        self.username = username


def token_hash(token: str) -> str:
    """SHA-256 is enough for a random 256-bit token (no dictionary to attack, unlike passwords)."""
    return hashlib.sha256(token.encode()).hexdigest()


class IssueToken:
    def __init__(self, users: UserStore, clock: Clock) -> None:
        self._users = users
        self._clock = clock

    def __call__(self, username: str) -> str:
        name = normalize_username(username)
        user = self._users.get(name)
        if user is None:
            raise UnknownUser(name)
        if user.disabled:
            raise UserDisabled(name)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self._users.add_token(name, token_hash(token), self._clock.now())
        log.info("api_token_issued", extra={"username": name})
        return token
