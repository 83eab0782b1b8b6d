"""The ReviewQueries port: open reviews oldest first, directory names, directory search."""

from __future__ import annotations

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy.directory_book import PAIR_COLUMNS, PAIRS, pair_from_row
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.orm import (
    StoredEmailJob,
    clients,
    creditors,
    email_jobs,
    start_mappers,
)
from application.review_ports import DirectoryPair, ReviewQueries
from domain.matching import normalize_reference
from domain.model import EmailJob
from domain.review import ReviewStatus


class SqlReviewQueries(ReviewQueries):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        start_mappers()
        self._session_factory = session_factory

    def open_reviews(self, limit: int, offset: int) -> tuple[list[EmailJob], int]:
        is_open = email_jobs.c.review_status == ReviewStatus.OPEN
        with translated(), self._session_factory() as session:
            total = session.scalar(select(func.count()).where(is_open)) or 0
            stmt = (
                select(StoredEmailJob)
                .where(is_open)
                .order_by(email_jobs.c.received_at, email_jobs.c.id)
                .limit(limit)
                .offset(offset)
            )
            jobs = list(session.scalars(stmt))
            session.expunge_all()
        return jobs, total

    def pairs(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], DirectoryPair]:
        if not keys:
            return {}
        stmt = (
            select(*PAIR_COLUMNS)
            .select_from(PAIRS)
            .where(tuple_(clients.c.id, creditors.c.id).in_(sorted(keys)))
        )
        with translated(), self._session_factory() as session:
            rows = session.execute(stmt).all()
        return {(row.client_id, row.creditor_id): pair_from_row(row) for row in rows}

    def search_directory(self, query: str, limit: int) -> list[DirectoryPair]:
        pattern = (
            "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        conditions = [
            func.lower(clients.c.name).like(pattern, escape="\\"),
            func.lower(creditors.c.name).like(pattern, escape="\\"),
        ]
        norm = normalize_reference(query)
        if norm:
            conditions += [clients.c.reference_norm == norm, creditors.c.reference_norm == norm]
        stmt = (
            select(*PAIR_COLUMNS)
            .select_from(PAIRS)
            .where(or_(*conditions))
            .order_by(clients.c.name, creditors.c.name, creditors.c.id)
            .limit(limit)
        )
        with translated(), self._session_factory() as session:
            return [pair_from_row(row) for row in session.execute(stmt)]
