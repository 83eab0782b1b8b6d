"""Console write side on SQL: action audit, failed-login counters, maintenance runs, presence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy.console_tables import (
    console_actions,
    login_failures,
    maintenance_runs,
    review_presence,
)
from adapters.sqlalchemy.errors import translated
from application.console.ports import (
    ActionAudit,
    LoginFailureStore,
    MaintenanceLog,
    ReviewPresence,
)
from domain.login_throttle import FailedLogins


class SqlActionAudit(ActionAudit):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def record(
        self, at: datetime, actor: str, action: str, target: str | None, details: dict[str, Any]
    ) -> None:
        with translated(), self._session_factory() as session, session.begin():
            session.execute(
                console_actions.insert().values(
                    at=at, actor=actor, action=action, target=target, details=details
                )
            )

    def recent(self, limit: int) -> list[dict[str, Any]]:
        stmt = select(console_actions).order_by(console_actions.c.id.desc()).limit(limit)
        with translated(), self._session_factory() as session:
            return [dict(row._mapping) for row in session.execute(stmt)]


class SqlLoginFailures(LoginFailureStore):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def get(self, key: str) -> FailedLogins:
        stmt = select(login_failures.c.count, login_failures.c.last_failure_at).where(
            login_failures.c.key == key
        )
        with translated(), self._session_factory() as session:
            row = session.execute(stmt).first()
        return FailedLogins(row[0], row[1]) if row else FailedLogins(0, None)

    def record_failure(self, key: str, now: datetime, window_start: datetime) -> None:
        table = login_failures
        with translated(), self._session_factory() as session, session.begin():
            # Forget a stale streak, then count this failure (an UPDATE is atomic per row).
            session.execute(
                delete(table).where(table.c.key == key, table.c.last_failure_at < window_start)
            )
            updated = session.execute(
                update(table)
                .where(table.c.key == key)
                .values(count=table.c.count + 1, last_failure_at=now)
            ).rowcount
            if not updated:
                try:
                    with session.begin_nested():
                        session.execute(
                            table.insert().values(key=key, count=1, last_failure_at=now)
                        )
                except IntegrityError:
                    # Another process counted the first failure at the same moment.
                    session.execute(
                        update(table)
                        .where(table.c.key == key)
                        .values(count=table.c.count + 1, last_failure_at=now)
                    )

    def clear(self, key: str) -> None:
        with translated(), self._session_factory() as session, session.begin():
            session.execute(delete(login_failures).where(login_failures.c.key == key))


class SqlMaintenanceLog(MaintenanceLog):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def record_run(self, name: str, at: datetime, details: dict[str, Any]) -> None:
        table = maintenance_runs
        with translated(), self._session_factory() as session, session.begin():
            updated = session.execute(
                update(table).where(table.c.name == name).values(last_run_at=at, details=details)
            ).rowcount
            if not updated:
                try:
                    with session.begin_nested():
                        session.execute(
                            table.insert().values(name=name, last_run_at=at, details=details)
                        )
                except IntegrityError:
                    pass  # a concurrent sweep recorded its run a moment ago: good enough


class SqlReviewPresence(ReviewPresence):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def mark(self, job_id: str, username: str, at: datetime) -> None:
        table = review_presence
        key = (table.c.job_id == job_id, table.c.username == username)
        with translated(), self._session_factory() as session, session.begin():
            if session.execute(update(table).where(*key).values(seen_at=at)).rowcount:
                return
            try:
                with session.begin_nested():
                    session.execute(
                        table.insert().values(job_id=job_id, username=username, seen_at=at)
                    )
            except IntegrityError:
                pass  # the same user in two tabs at once: one mark is enough

    def others(self, job_id: str, username: str, since: datetime) -> list[tuple[str, datetime]]:
        table = review_presence
        stmt = (
            select(table.c.username, table.c.seen_at)
            .where(table.c.job_id == job_id, table.c.username != username, table.c.seen_at >= since)
            .order_by(table.c.seen_at)
        )
        with translated(), self._session_factory() as session:
            return [(row[0], row[1]) for row in session.execute(stmt)]
