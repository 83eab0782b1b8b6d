"""The UserStore port on SQL: users and their hashed API tokens, one transaction per call."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy.engine import read_only
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.review_tables import api_tokens, users
from application.user_ports import UserExists, UserStore, UserSummary
from domain.users import Role, User

_LAST_USED_RESOLUTION = timedelta(seconds=60)
_USER_COLUMNS = (
    users.c.username,
    users.c.role,
    users.c.password_hash,
    users.c.disabled,
    users.c.created_at,
)


def _user(row) -> User:
    return User(
        username=row.username,
        role=Role(row.role),
        password_hash=row.password_hash,
        disabled=bool(row.disabled),
        created_at=row.created_at,
    )


class SqlUserStore(UserStore):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        # Reads (every API request checks whether users exist) never wait behind a writer.
        self._read_session_factory = read_only(session_factory)

    def add(self, user: User) -> None:
        # The unique username decides (no read-then-write race); caught inside translated(),
        # which would turn any other constraint violation into a short PermanentError.
        with translated(), self._session_factory() as session:
            try:
                with session.begin():
                    session.execute(
                        users.insert().values(
                            username=user.username,
                            role=user.role.value,
                            password_hash=user.password_hash,
                            disabled=user.disabled,
                            created_at=user.created_at,
                        )
                    )
            except IntegrityError as exc:
                raise UserExists(user.username) from exc

    def get(self, username: str) -> User | None:
        with translated(), self._read_session_factory() as session:
            row = session.execute(
                select(*_USER_COLUMNS).where(users.c.username == username)
            ).first()
        return _user(row) if row else None

    def list(self) -> list[UserSummary]:
        stmt = (
            select(
                users.c.username,
                users.c.role,
                users.c.disabled,
                users.c.created_at,
                func.count(api_tokens.c.id).label("tokens"),
                func.max(api_tokens.c.last_used_at).label("last_used_at"),
            )
            .select_from(users.outerjoin(api_tokens, api_tokens.c.user_id == users.c.id))
            .group_by(users.c.id, users.c.username, users.c.role, users.c.disabled)
            .order_by(users.c.username)
        )
        with translated(), self._read_session_factory() as session:
            rows = session.execute(stmt).all()
        return [
            UserSummary(
                username=row.username,
                role=row.role,
                disabled=bool(row.disabled),
                created_at=row.created_at,
                tokens=row.tokens,
                last_token_used_at=row.last_used_at,
            )
            for row in rows
        ]

    def any_user(self) -> bool:
        with translated(), self._read_session_factory() as session:
            return bool(session.scalar(select(exists().select_from(users))))

    def set_disabled(self, username: str, disabled: bool) -> bool:
        with translated(), self._session_factory() as session, session.begin():
            result = session.execute(
                update(users).where(users.c.username == username).values(disabled=disabled)
            )
        return result.rowcount == 1

    def add_token(self, username: str, token_hash: str, created_at: datetime) -> None:
        with translated(), self._session_factory() as session, session.begin():
            user_id = session.scalar(select(users.c.id).where(users.c.username == username))
            if user_id is None:
                raise LookupError(username)
            session.execute(
                api_tokens.insert().values(
                    user_id=user_id, token_hash=token_hash, created_at=created_at
                )
            )

    def user_for_token(self, token_hash: str, used_at: datetime) -> User | None:
        stmt = (
            select(api_tokens.c.id, api_tokens.c.token_hash, *_USER_COLUMNS)
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.token_hash == token_hash)
        )
        with translated(), self._session_factory() as session, session.begin():
            row = session.execute(stmt).first()
            if row is None or not hmac.compare_digest(row.token_hash, token_hash):
                return None
            # At most one write a minute per token, not one per request.
            session.execute(
                update(api_tokens)
                .where(
                    api_tokens.c.id == row.id,
                    or_(
                        api_tokens.c.last_used_at.is_(None),
                        api_tokens.c.last_used_at < used_at - _LAST_USED_RESOLUTION,
                    ),
                )
                .values(last_used_at=used_at)
            )
        return _user(row)
