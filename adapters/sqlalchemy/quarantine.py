"""The IntakeQuarantine port on SQL (table intake_quarantine, migration 0004)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.orm import intake_quarantine as table
from application.intake_quarantine import IntakeQuarantine, QuarantinedDelivery


def _delivery(row: Row) -> QuarantinedDelivery:
    return QuarantinedDelivery(
        id=row.id,
        received_at=row.received_at,
        raw_body=bytes(row.raw_body),
        content_type=row.content_type,
        error_type=row.error_type,
        error_message=row.error_message,
        replayed_at=row.replayed_at,
        replay_result=row.replay_result,
        job_id=row.job_id,
    )


class SqlIntakeQuarantine(IntakeQuarantine):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def keep(self, raw_body, content_type, error_type, error_message, at) -> int:
        with translated(), self._session_factory() as session, session.begin():
            result = session.execute(
                table.insert().values(
                    received_at=at,
                    raw_body=raw_body,
                    content_type=(content_type or "")[:255] or None,
                    error_type=error_type[:100],
                    error_message=error_message[:300],
                )
            )
            return int(result.inserted_primary_key[0])

    def list(self, include_replayed: bool = False, limit: int = 100) -> list[QuarantinedDelivery]:
        stmt = select(table).order_by(table.c.id).limit(limit)
        if not include_replayed:
            stmt = stmt.where(table.c.replayed_at.is_(None))
        with translated(), self._session_factory() as session:
            return [_delivery(row) for row in session.execute(stmt)]

    def get(self, quarantine_id: int) -> QuarantinedDelivery | None:
        with translated(), self._session_factory() as session:
            row = session.execute(select(table).where(table.c.id == quarantine_id)).first()
        return _delivery(row) if row else None

    def mark_replayed(self, quarantine_id: int, at: datetime, result: str, job_id) -> None:
        with translated(), self._session_factory() as session, session.begin():
            session.execute(
                update(table)
                .where(table.c.id == quarantine_id)
                .values(replayed_at=at, replay_result=result[:40], job_id=job_id)
            )
