"""ListUsers and DisableUser: the admin's view of the users and how one is shut out."""

from __future__ import annotations

import logging

from application.user_ports import UserStore, UserSummary
from application.users.issue_token import UnknownUser
from domain.users import normalize_username

log = logging.getLogger(__name__)


class ListUsers:
    def __init__(self, users: UserStore) -> None:
        self._users = users

    def __call__(self) -> list[UserSummary]:
        return self._users.list()


class DisableUser:
    """A disabled user can neither log in nor use any of their tokens. Raises UnknownUser."""

    def __init__(self, users: UserStore) -> None:
        self._users = users

    def __call__(self, username: str) -> None:
        name = normalize_username(username)
        if not self._users.set_disabled(name, True):
            raise UnknownUser(name)
        log.info("user_disabled", extra={"username": name})
