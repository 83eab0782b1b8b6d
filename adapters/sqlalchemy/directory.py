"""The SQL client directory: matching candidates, and the idempotent import of clients/creditors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy.engine import read_only
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.orm import clients, creditors
from application.ports import ClientDirectory
from domain.matching import normalize_reference
from domain.values import DirectoryEntry, Extraction

# Below this many pairs every pair is a candidate (fuzzy names need them all); above it the
# lookup narrows to pairs sharing a reference, the sender's domain or a client-name token.
SMALL_DIRECTORY_PAIRS = 2000
MAX_NARROWED_PAIRS = 500


@dataclass(frozen=True)
class ImportReport:
    clients: int
    creditors: int


class SqlClientDirectory(ClientDirectory):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._read_session_factory = read_only(session_factory)

    def candidates(self, extraction: Extraction, from_email: str) -> Sequence[DirectoryEntry]:
        pairs = (
            select(
                clients.c.id,
                clients.c.name,
                clients.c.reference,
                clients.c.birth_date,
                creditors.c.id,
                creditors.c.name,
                creditors.c.reference,
                creditors.c.email,
            )
            .select_from(creditors.join(clients, creditors.c.client_id == clients.c.id))
            .order_by(clients.c.id, creditors.c.id)
        )
        with translated(), self._read_session_factory() as session:
            total = session.scalar(select(func.count()).select_from(creditors)) or 0
            if total > SMALL_DIRECTORY_PAIRS:
                pairs = pairs.where(self._narrowing(extraction, from_email)).limit(
                    MAX_NARROWED_PAIRS
                )
            rows = session.execute(pairs).all()
        return [
            DirectoryEntry(
                client_id=row[0],
                client_name=row[1],
                client_reference=row[2],
                client_birth_date=row[3],
                creditor_id=row[4],
                creditor_name=row[5],
                creditor_reference=row[6],
                creditor_email=row[7],
            )
            for row in rows
        ]

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
        parsed = _parse_directory(data)
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


def _upsert(session: Session, table, row_id: str, values: dict) -> None:
    exists = session.execute(select(table.c.id).where(table.c.id == row_id)).first()
    if exists:
        session.execute(table.update().where(table.c.id == row_id).values(**values))
    else:
        session.execute(table.insert().values(id=row_id, **values))


def _parse_directory(data: Any) -> list[dict]:
    if not isinstance(data, dict) or not isinstance(data.get("clients"), list):
        raise ValueError('directory file must be an object with a "clients" list')
    seen_clients: set[str] = set()
    seen_creditors: set[str] = set()
    parsed = []
    for i, client in enumerate(data["clients"]):
        where = f"clients[{i}]"
        client = _require_entity(client, where)
        if client["id"] in seen_clients:
            raise ValueError(f"{where}: duplicate client id {client['id']!r}")
        seen_clients.add(client["id"])
        birth_date = client.get("birth_date")
        if birth_date is not None:
            try:
                datetime.strptime(str(birth_date), "%Y-%m-%d")
            except ValueError:
                raise ValueError(f"{where}.birth_date must be YYYY-MM-DD") from None
        raw_creditors = client.get("creditors", [])
        if not isinstance(raw_creditors, list):
            raise ValueError(f"{where}.creditors must be a list")
        client_creditors = []
        for j, creditor in enumerate(raw_creditors):
            cwhere = f"{where}.creditors[{j}]"
            creditor = _require_entity(creditor, cwhere)
            if creditor["id"] in seen_creditors:
                raise ValueError(f"{cwhere}: duplicate creditor id {creditor['id']!r}")
            seen_creditors.add(creditor["id"])
            amount = creditor.get("claim_amount")
            if amount is not None:
                try:
                    creditor["claim_amount"] = Decimal(str(amount)).quantize(Decimal("0.01"))
                except (InvalidOperation, ValueError):
                    raise ValueError(
                        f"{cwhere}.claim_amount is not an amount: {amount!r}"
                    ) from None
                if not creditor["claim_amount"].is_finite() or creditor["claim_amount"] < 0:
                    raise ValueError(f"{cwhere}.claim_amount must be >= 0")
            currency = creditor.get("currency")
            if currency is not None and (not isinstance(currency, str) or len(currency) != 3):
                raise ValueError(f"{cwhere}.currency must be a 3-letter code")
            client_creditors.append(creditor)
        client["creditors"] = client_creditors
        parsed.append(client)
    return parsed


def _require_entity(raw: Any, where: str) -> dict:
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be an object")
    entity = dict(raw)
    for key in ("id", "name"):
        value = entity.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}.{key} is required (a non-empty string)")
        entity[key] = value.strip()
    for key in ("reference", "email", "birth_date"):
        if entity.get(key) is not None and not isinstance(entity[key], str):
            raise ValueError(f"{where}.{key} must be a string")
    return entity
