"""In-memory fakes of the user ports: a user store with the real unique/lookup rules and a
transparent (not secure, but honest) password hasher."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime

from application.user_ports import PasswordHasher, UserExists, UserStore, UserSummary
from domain.users import User


class FakeUserStore(UserStore):
    def __init__(self) -> None:
        self.users: dict[str, User] = {}
        self.tokens: dict[str, str] = {}  # token hash → username
        self.token_used: dict[str, datetime] = {}

    def add(self, user: User) -> None:
        if user.username in self.users:
            raise UserExists(user.username)
        self.users[user.username] = user

    def get(self, username: str) -> User | None:
        return self.users.get(username)

    def list(self) -> list[UserSummary]:
        summaries = []
        for name in sorted(self.users):
            user = self.users[name]
            hashes = [h for h, owner in self.tokens.items() if owner == name]
            used = [self.token_used[h] for h in hashes if h in self.token_used]
            summaries.append(
                UserSummary(
                    name,
                    user.role.value,
                    user.disabled,
                    user.created_at,
                    len(hashes),
                    max(used) if used else None,
                )
            )
        return summaries

    def any_user(self) -> bool:
        return bool(self.users)

    def set_disabled(self, username: str, disabled: bool) -> bool:
        if username not in self.users:
            return False
        self.users[username] = replace(self.users[username], disabled=disabled)
        return True

    def add_token(self, username: str, token_hash: str, created_at: datetime) -> None:
        if username not in self.users:
            raise LookupError(username)
        self.tokens[token_hash] = username

    def user_for_token(self, token_hash: str, used_at: datetime) -> User | None:
        owner = self.tokens.get(token_hash)
        if owner is None:
            return None
        self.token_used[token_hash] = used_at
        return self.users[owner]


class FakePasswordHasher(PasswordHasher):
    def hash(self, password: str) -> str:
        return "fake$" + hashlib.sha256(password.encode()).hexdigest()

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == self.hash(password)
