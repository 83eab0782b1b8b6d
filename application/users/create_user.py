"""CreateUser: an admin adds a user with a role and a password (stored hashed)."""

from __future__ import annotations

import logging

from application.ports import Clock
from application.user_ports import PasswordHasher, UserStore
from domain.users import (
    RESERVED_USERNAMES,
    InvalidUser,
    User,
    check_password_strength,
    normalize_username,
    parse_role,
)

log = logging.getLogger(__name__)


class CreateUser:
    """Raises InvalidUser (bad name, role or password) or UserExists."""

    def __init__(self, users: UserStore, hasher: PasswordHasher, clock: Clock) -> None:
        self._users = users
        self._hasher = hasher
        self._clock = clock

    def __call__(self, username: str, role: str, password: str) -> User:
        name = normalize_username(username)
        if name in RESERVED_USERNAMES:
            raise InvalidUser(f"username {name!r} is reserved")
        parsed_role = parse_role(role)
        check_password_strength(password)
        user = User(
            username=name,
            role=parsed_role,
            password_hash=self._hasher.hash(password),
            disabled=False,
            created_at=self._clock.now(),
        )
        self._users.add(user)
        log.info("user_created", extra={"username": name, "role": parsed_role.value})
        return user
