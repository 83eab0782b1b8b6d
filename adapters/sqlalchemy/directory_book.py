"""The DirectoryBook port inside a unit of work: check a decision's pair, learn aliases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from adapters.sqlalchemy.orm import clients, creditors
from adapters.sqlalchemy.review_tables import creditor_aliases
from application.review_ports import DirectoryBook, DirectoryPair
from domain.matching import normalize_reference

ALIAS_KINDS = ("sender", "reference")


def alias_norm(kind: str, value: str) -> str:
    """Sender addresses compare case-insensitively; references as the matcher compares them."""
    return value.strip().lower() if kind == "sender" else normalize_reference(value)


PAIR_COLUMNS = (
    clients.c.id.label("client_id"),
    clients.c.name.label("client_name"),
    creditors.c.id.label("creditor_id"),
    creditors.c.name.label("creditor_name"),
    clients.c.reference.label("client_reference"),
    creditors.c.reference.label("creditor_reference"),
    creditors.c.email.label("creditor_email"),
)
PAIRS = creditors.join(clients, creditors.c.client_id == clients.c.id)


def pair_from_row(row) -> DirectoryPair:
    return DirectoryPair(**row._asdict())


class SqlDirectoryBook(DirectoryBook):
    def __init__(self, session: Session) -> None:
        self._session = session

    def pair(self, client_id: str, creditor_id: str) -> DirectoryPair | None:
        row = self._session.execute(
            select(*PAIR_COLUMNS)
            .select_from(PAIRS)
            .where(creditors.c.id == creditor_id, creditors.c.client_id == client_id)
        ).first()
        return pair_from_row(row) if row else None

    def learn(
        self, creditor_id: str, kind: str, value: str, job_id: str, learned_by: str, at: datetime
    ) -> bool:
        if kind not in ALIAS_KINDS:
            raise ValueError(f"unknown alias kind {kind!r}")
        norm = alias_norm(kind, value)
        if not norm:
            return False
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(creditor_aliases)
            .values(
                creditor_id=creditor_id,
                kind=kind,
                value=value.strip()[:320],
                value_norm=norm[:320],
                job_id=job_id,
                learned_by=learned_by,
                learned_at=at,
            )
            .on_conflict_do_nothing(index_elements=["creditor_id", "kind", "value_norm"])
        )
        return self._session.execute(stmt).rowcount == 1
