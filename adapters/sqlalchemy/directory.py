"""The SQL client directory: matching candidates, and the idempotent import of clients/creditors."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy.directory_book import alias_norm
from adapters.sqlalchemy.engine import read_only
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.orm import clients, creditors
from adapters.sqlalchemy.review_tables import creditor_aliases
from application.pipeline_ports import ClientDirectory
from domain.extraction import DirectoryEntry, Extraction
from domain.matching import normalize_reference

# Below this many pairs every pair is a candidate (fuzzy names need them all); above it the
# lookup narrows to pairs sharing a reference, the sender's domain or a client-name token.
SMALL_DIRECTORY_PAIRS = 2000
MAX_NARROWED_PAIRS = 500


@dataclass(frozen=True)
class ImportReport:
    clients: int
    creditors: int


class SqlClientDirectory(ClientDirectory):
    """A small directory (≤ SMALL_DIRECTORY_PAIRS) is read once and kept, with its learned
    aliases, until its stamp changes: each job then costs one indexed-count query instead of
    three reads and a rebuild of every pair. The stamp moves with any import (every import
    rewrites its clients' `updated_at`, here or in another process), any added client or
    creditor and any learned alias; the stamp is compared at most every STAMP_CHECK_SECONDS
    (a change reaches matching within a second; a backlog reads it about once a second, not
    once a job). This instance's own import drops the copy at once, and the copy is read
    again at least every CACHE_SECONDS whatever the stamp says."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._read_session_factory = read_only(session_factory)
        self._cached: _CachedDirectory | None = None
        self._checked_at = 0.0

    def candidates(self, extraction: Extraction, from_email: str) -> Sequence[DirectoryEntry]:
        cached, now = self._cached, time.monotonic()
        recently_checked = now - self._checked_at < STAMP_CHECK_SECONDS
        if cached is not None and cached.fresh(now) and recently_checked:
            return cached.entries_for(extraction, from_email)
        with translated(), self._read_session_factory() as session:
            if cached is not None and cached.fresh(now):
                stamp = session.execute(_STAMP).one()
                if stamp == cached.stamp:
                    self._checked_at = now
                    return cached.entries_for(extraction, from_email)
            total = session.scalar(select(func.count()).select_from(creditors)) or 0
            if total <= SMALL_DIRECTORY_PAIRS:
                cached = self._cached = _CachedDirectory.read(session)
                self._checked_at = now
                return cached.entries_for(extraction, from_email)
            self._cached = None
            return self._narrowed(session, extraction, from_email)

    def _narrowed(
        self, session: Session, extraction: Extraction, from_email: str
    ) -> list[DirectoryEntry]:
        learned_match = learned_alias_condition(extraction, from_email)
        learned_ids = select(creditor_aliases.c.creditor_id).where(learned_match)
        pairs = _PAIRS.where(
            or_(self._narrowing(extraction, from_email), creditors.c.id.in_(learned_ids))
        ).limit(MAX_NARROWED_PAIRS)
        rows = session.execute(pairs).all()
        learned: dict[str, dict[str, str]] = {}
        aliases = select(
            creditor_aliases.c.creditor_id, creditor_aliases.c.kind, creditor_aliases.c.value
        ).where(learned_match)
        for creditor_id, kind, value in session.execute(aliases):
            learned.setdefault(creditor_id, {})[kind] = value
        return [_entry(row, learned.get(row[4], {})) for row in rows]

    @staticmethod
    def _narrowing(extraction: Extraction, from_email: str):
        conditions = []
        for reference in (extraction.client_reference, extraction.creditor_reference):
            norm = normalize_reference(reference)
            if norm:
                conditions += [clients.c.reference_norm == norm, creditors.c.reference_norm == norm]
        domain = from_email.rpartition("@")[2].lower()
        if domain:
            conditions.append(func.lower(creditors.c.email).like(f"%@{domain}"))
        for token in (extraction.client_name or "").split():
            if len(token) >= 3:
                conditions.append(func.lower(clients.c.name).like(f"%{token.lower()}%"))
        return or_(*conditions) if conditions else clients.c.id.is_(None)

    def import_directory(self, data: Any) -> ImportReport:
        """Upsert clients and their creditors by id, all or nothing. ValueError on bad input."""
        self._cached = None
        # Imported here: the worker never imports (and never loads marshmallow for it).
        from adapters.directory_file import load_directory

        parsed = load_directory(data)
        now = datetime.now(UTC)
        creditor_count = 0
        with translated(), self._session_factory() as session, session.begin():
            for client in parsed:
                values = {
                    "name": client["name"],
                    "reference": client.get("reference"),
                    "reference_norm": normalize_reference(client.get("reference")) or None,
                    "birth_date": client.get("birth_date"),
                    "updated_at": now,
                }
                _upsert(session, clients, client["id"], values)
                for creditor in client["creditors"]:
                    creditor_count += 1
                    values = {
                        "client_id": client["id"],
                        "name": creditor["name"],
                        "reference": creditor.get("reference"),
                        "reference_norm": normalize_reference(creditor.get("reference")) or None,
                        "email": creditor.get("email"),
                        "updated_at": now,
                    }
                    if creditor.get("claim_amount") is not None:
                        values["claim_amount"] = creditor["claim_amount"]
                        values["currency"] = creditor.get("currency") or "EUR"
                    _upsert(session, creditors, creditor["id"], values)
        return ImportReport(clients=len(parsed), creditors=creditor_count)


def learned_alias_condition(extraction: Extraction, from_email: str):
    """Aliases reviewers taught the directory that this email's sender or reference equals."""
    conditions = [
        and_(
            creditor_aliases.c.kind == "sender",
            creditor_aliases.c.value_norm == alias_norm("sender", from_email or ""),
        )
    ]
    reference = alias_norm("reference", extraction.creditor_reference or "")
    if reference:
        conditions.append(
            and_(creditor_aliases.c.kind == "reference", creditor_aliases.c.value_norm == reference)
        )
    return or_(*conditions)


_PAIRS = (
    select(
        clients.c.id,
        clients.c.name,
        clients.c.reference,
        clients.c.birth_date,
        creditors.c.id,
        creditors.c.name,
        creditors.c.reference,
        creditors.c.email,
        creditors.c.claim_amount,
    )
    .select_from(creditors.join(clients, creditors.c.client_id == clients.c.id))
    .order_by(clients.c.id, creditors.c.id)
)
# What changes when the directory does: imports rewrite their clients' updated_at, aliases are
# insert-only. Claim bookings touch creditors only: a cached claim_amount may be up to
# CACHE_SECONDS old (the safety rule then compares with the figure before that booking).
_STAMP = select(
    select(func.count()).select_from(creditors).scalar_subquery(),
    select(func.count()).select_from(clients).scalar_subquery(),
    select(func.max(clients.c.updated_at)).scalar_subquery(),
    select(func.count()).select_from(creditor_aliases).scalar_subquery(),
    select(func.max(creditor_aliases.c.id)).scalar_subquery(),
)
CACHE_SECONDS = 60.0
STAMP_CHECK_SECONDS = 1.0


def _entry(row, learned: dict[str, str]) -> DirectoryEntry:
    # A learned alias that this email carries stands in for the directory's own value, so
    # the ordinary evidence rules (same sender, equal reference) see it.
    return DirectoryEntry(
        client_id=row[0],
        client_name=row[1],
        client_reference=row[2],
        client_birth_date=row[3],
        creditor_id=row[4],
        creditor_name=row[5],
        creditor_reference=learned.get("reference") or row[6],
        creditor_email=learned.get("sender") or row[7],
        claim_amount=row[8],
    )


@dataclass(frozen=True)
class _CachedDirectory:
    stamp: tuple
    rows: tuple
    # (kind, value_norm) → [(creditor_id, value)] in the order they were learned.
    aliases: dict[tuple[str, str], list[tuple[str, str]]]
    read_at: float

    @classmethod
    def read(cls, session: Session) -> _CachedDirectory:
        stamp = tuple(session.execute(_STAMP).one())
        rows = tuple(tuple(row) for row in session.execute(_PAIRS))
        aliases: dict[tuple[str, str], list[tuple[str, str]]] = {}
        learned = select(
            creditor_aliases.c.kind,
            creditor_aliases.c.value_norm,
            creditor_aliases.c.creditor_id,
            creditor_aliases.c.value,
        ).order_by(creditor_aliases.c.id)
        for kind, norm, creditor_id, value in session.execute(learned):
            aliases.setdefault((kind, norm), []).append((creditor_id, value))
        return cls(stamp, rows, aliases, time.monotonic())

    def fresh(self, now: float) -> bool:
        return now - self.read_at < CACHE_SECONDS

    def entries_for(self, extraction: Extraction, from_email: str) -> list[DirectoryEntry]:
        learned: dict[str, dict[str, str]] = {}
        keys = [("sender", alias_norm("sender", from_email or ""))]
        reference = alias_norm("reference", extraction.creditor_reference or "")
        if reference:
            keys.append(("reference", reference))
        for kind, norm in keys:
            for creditor_id, value in self.aliases.get((kind, norm), ()):
                learned.setdefault(creditor_id, {})[kind] = value
        return [_entry(row, learned.get(row[4], {})) for row in self.rows]


def _upsert(session: Session, table, row_id: str, values: dict) -> None:
    exists = session.execute(select(table.c.id).where(table.c.id == row_id)).first()
    if exists:
        session.execute(table.update().where(table.c.id == row_id).values(**values))
    else:
        session.execute(table.insert().values(id=row_id, **values))
