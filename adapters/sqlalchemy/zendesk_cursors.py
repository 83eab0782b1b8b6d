"""The CursorStore port: the poller's place in Zendesk's export stream, one row per stream."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.orm import zendesk_cursors
from application.zendesk_ports import CursorStore, StoredCursor


class SqlCursorStore(CursorStore):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def load(self, name: str) -> StoredCursor | None:
        with translated(), self._session_factory() as session:
            row = session.execute(
                select(zendesk_cursors).where(zendesk_cursors.c.name == name)
            ).first()
        if row is None:
            return None
        return StoredCursor(row.name, row.cursor, row.start_time, row.updated_at)

    def save(self, name: str, cursor: str | None, start_time: int | None, now: datetime) -> None:
        values = {"cursor": cursor, "start_time": start_time, "updated_at": now}
        with translated(), self._session_factory() as session:
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            stmt = insert(zendesk_cursors).values(name=name, **values)
            session.execute(stmt.on_conflict_do_update(index_elements=["name"], set_=values))
            session.commit()


__all__ = ["SqlCursorStore"]
