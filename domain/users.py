"""Users and roles (SPEC §8): who may read, review, operate and administer.

Roles are ordered; each includes the ones before it: viewer < reviewer < operator < admin.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
# Names the system itself acts as; a user of that name would make the audit trail ambiguous.
RESERVED_USERNAMES = frozenset({"api", "anonymous", "system", "auto"})


class Role(enum.StrEnum):
    VIEWER = "viewer"
    REVIEWER = "reviewer"
    OPERATOR = "operator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)

    def includes(self, required: Role | str) -> bool:
        """Does this role grant what `required` grants? (admin includes everything)"""
        return self.rank >= Role(required).rank


_ORDER = (Role.VIEWER, Role.REVIEWER, Role.OPERATOR, Role.ADMIN)


class InvalidUser(ValueError):
    """A username, role or password that cannot be accepted; the message says why."""


def normalize_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise InvalidUser(
            "username must be 2–64 characters: letters, digits and . _ @ - "
            "(starting with a letter or digit)"
        )
    return name


def parse_role(role: str) -> Role:
    try:
        return Role((role or "").strip().lower())
    except ValueError:
        raise InvalidUser(f"role must be one of {', '.join(r.value for r in Role)}") from None


MIN_PASSWORD_LENGTH = 10


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidUser(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


@dataclass(frozen=True)
class Principal:
    """Whoever a request or command acts as: a user, or the `api` operator of JOBS_API_TOKEN."""

    username: str
    role: Role

    def can(self, required: Role | str) -> bool:
        return self.role.includes(required)


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    password_hash: str
    disabled: bool
    created_at: datetime

    @property
    def principal(self) -> Principal:
        return Principal(self.username, self.role)
