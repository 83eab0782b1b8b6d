"""Authenticate: who is this? By username + password (console login) or by bearer token (API).

Both answer a Principal or None and never say which part was wrong. JOBS_API_TOKEN, when
configured, acts as the operator named `api` (SPEC §8).
"""

from __future__ import annotations

import hmac
import logging

from application.ports import Clock
from application.user_ports import PasswordHasher, UserStore
from application.users.issue_token import token_hash
from domain.users import InvalidUser, Principal, Role, normalize_username

log = logging.getLogger(__name__)

API_PRINCIPAL = Principal("api", Role.OPERATOR)


class AuthenticatePassword:
    def __init__(self, users: UserStore, hasher: PasswordHasher) -> None:
        self._users = users
        self._hasher = hasher
        # Verified against when the user is missing, so both cases cost one hash check.
        self._dummy_hash = hasher.hash("not-a-password-of-anyone")

    def __call__(self, username: str, password: str) -> Principal | None:
        try:
            name = normalize_username(username)
        except InvalidUser:
            name = ""
        user = self._users.get(name) if name else None
        valid = self._hasher.verify(user.password_hash if user else self._dummy_hash, password)
        if user is None or not valid or user.disabled:
            log.info("login_refused", extra={"username": name or "(invalid)"})
            return None
        return user.principal


class AuthenticateToken:
    def __init__(self, users: UserStore, clock: Clock, static_token: str | None = None) -> None:
        self._users = users
        self._clock = clock
        self._static_token = static_token or None

    def __call__(self, token: str) -> Principal | None:
        token = (token or "").strip()
        if not token:
            return None
        if self._static_token and hmac.compare_digest(token.encode(), self._static_token.encode()):
            return API_PRINCIPAL
        # Looked up by its hash: what the database compares is not the secret itself.
        user = self._users.user_for_token(token_hash(token), self._clock.now())
        if user is None or user.disabled:
            return None
        return user.principal

    def open_access(self) -> bool:
        """The original private-network mode: no JOBS_API_TOKEN and no user at all."""
        return self._static_token is None and not self._users.any_user()
