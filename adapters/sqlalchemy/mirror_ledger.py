"""The MirrorLedger port: unmirrored rows, the latest row per creditor, reconciliation reports."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.orm import claim_updates, reconciliation_reports
from application.mirror_ports import LedgerEntry, MirrorLedger, ReconciliationReport
from domain.values import ClaimUpdate

_COLUMNS = (
    claim_updates.c.idempotency_key,
    claim_updates.c.job_id,
    claim_updates.c.client_id,
    claim_updates.c.creditor_id,
    claim_updates.c.amount,
    claim_updates.c.currency,
    claim_updates.c.created_at,
    claim_updates.c.mirrored_at,
)


def _entry(row: Row) -> LedgerEntry:
    claim = ClaimUpdate(
        job_id=row.job_id,
        client_id=row.client_id,
        creditor_id=row.creditor_id,
        amount=Decimal(row.amount).quantize(Decimal("0.01")),
        currency=row.currency,
        created_at=row.created_at,
    )
    return LedgerEntry(row.idempotency_key, claim, row.mirrored_at)


class SqlMirrorLedger(MirrorLedger):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def get(self, idempotency_key: str) -> LedgerEntry | None:
        with translated(), self._session_factory() as session:
            row = session.execute(
                select(*_COLUMNS).where(claim_updates.c.idempotency_key == idempotency_key)
            ).first()
        return _entry(row) if row else None

    def unmirrored(self, limit: int, older_than: datetime | None = None) -> list[LedgerEntry]:
        stmt = select(*_COLUMNS).where(claim_updates.c.mirrored_at.is_(None))
        if older_than is not None:
            stmt = stmt.where(claim_updates.c.created_at < older_than)
        stmt = stmt.order_by(claim_updates.c.created_at, claim_updates.c.id).limit(limit)
        with translated(), self._session_factory() as session:
            return [_entry(row) for row in session.execute(stmt)]

    def count_unmirrored(self, since: datetime, older_than: datetime | None = None) -> int:
        stmt = select(func.count()).where(
            claim_updates.c.mirrored_at.is_(None), claim_updates.c.created_at >= since
        )
        if older_than is not None:
            stmt = stmt.where(claim_updates.c.created_at < older_than)
        with translated(), self._session_factory() as session:
            return session.scalar(stmt) or 0

    def mark_mirrored(self, idempotency_key: str, at: datetime) -> None:
        with translated(), self._session_factory() as session, session.begin():
            session.execute(
                update(claim_updates)
                .where(
                    claim_updates.c.idempotency_key == idempotency_key,
                    claim_updates.c.mirrored_at.is_(None),
                )
                .values(mirrored_at=at)
            )

    def latest_per_creditor(self, since: datetime) -> list[LedgerEntry]:
        newest = (
            select(
                claim_updates.c.id,
                func.row_number()
                .over(
                    partition_by=(claim_updates.c.client_id, claim_updates.c.creditor_id),
                    order_by=(claim_updates.c.created_at.desc(), claim_updates.c.id.desc()),
                )
                .label("rank"),
            )
            .where(claim_updates.c.created_at >= since)
            .subquery()
        )
        stmt = (
            select(*_COLUMNS)
            .join(newest, newest.c.id == claim_updates.c.id)
            .where(newest.c.rank == 1)
            .order_by(claim_updates.c.client_id, claim_updates.c.creditor_id)
        )
        with translated(), self._session_factory() as session:
            return [_entry(row) for row in session.execute(stmt)]

    def save_report(self, report: ReconciliationReport) -> None:
        with translated(), self._session_factory() as session, session.begin():
            session.execute(
                reconciliation_reports.insert().values(
                    started_at=report.started_at,
                    finished_at=report.finished_at,
                    lookback_hours=Decimal(str(round(report.lookback_hours, 2))),
                    checked=report.checked,
                    mismatches=report.mismatches,
                    repaired=report.repaired,
                    unmirrored=report.unmirrored,
                    errors=report.errors,
                )
            )
