"""Ports for users, their API tokens and password hashing (SPEC §8)."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime

from application.ports import PortError
from domain.users import User


class UserExists(PortError):
    """A user with this username exists already (unique constraint)."""


@dataclass(frozen=True)
class UserSummary:
    """A user as listings show it: no password hash."""

    username: str
    role: str
    disabled: bool
    created_at: datetime
    tokens: int
    last_token_used_at: datetime | None


class UserStore(abc.ABC):
    """Users and their hashed API tokens. Each method is its own transaction."""

    @abc.abstractmethod
    def add(self, user: User) -> None:
        """Raise UserExists when the username is taken."""

    @abc.abstractmethod
    def get(self, username: str) -> User | None: ...

    @abc.abstractmethod
    def list(self) -> list[UserSummary]:
        """Every user, by username."""

    @abc.abstractmethod
    def any_user(self) -> bool:
        """Is there at least one user (enabled or not)?"""

    @abc.abstractmethod
    def set_disabled(self, username: str, disabled: bool) -> bool:
        """False when there is no such user."""

    @abc.abstractmethod
    def add_token(self, username: str, token_hash: str, created_at: datetime) -> None: ...

    @abc.abstractmethod
    def user_for_token(self, token_hash: str, used_at: datetime) -> User | None:
        """The owner of the token with this hash (recording `used_at`), or None."""


class PasswordHasher(abc.ABC):
    @abc.abstractmethod
    def hash(self, password: str) -> str: ...

    @abc.abstractmethod
    def verify(self, password_hash: str, password: str) -> bool: ...
