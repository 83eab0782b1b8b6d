"""Ports of the console: its read side, the action audit, failed-login counters, run log."""

from __future__ import annotations

import abc
from datetime import datetime
from typing import Any

from application.console.views import (
    Cursor,
    DashboardCounts,
    JobDetail,
    JobFilter,
    JobRow,
)
from domain.login_throttle import FailedLogins


class ConsoleQueries(abc.ABC):
    """Read-only SQL for the console's pages (no aggregates, no history in lists)."""

    @abc.abstractmethod
    def dashboard_counts(self, now: datetime) -> DashboardCounts: ...

    @abc.abstractmethod
    def activity_since(self, since: datetime) -> tuple[list[datetime], list[datetime]]:
        """(received_at, completed_at) timestamps at or after `since`, for the hourly chart."""

    @abc.abstractmethod
    def job_rows(
        self, job_filter: JobFilter, after: Cursor | None, limit: int, newest_first: bool
    ) -> list[JobRow]:
        """Rows in (received_at, id) order, strictly after `after` (keyset, no OFFSET)."""

    @abc.abstractmethod
    def failed_job_ids(self, job_filter: JobFilter, limit: int) -> list[str]:
        """Ids of failed jobs the filter selects, oldest first, at most `limit`."""

    @abc.abstractmethod
    def count_failed(self, job_filter: JobFilter) -> int: ...

    @abc.abstractmethod
    def job_detail(self, job_id: str, with_body: bool) -> JobDetail | None: ...

    @abc.abstractmethod
    def open_review_ids(self, limit: int) -> list[str]:
        """Ids of open reviews, oldest received first."""


class ActionAudit(abc.ABC):
    @abc.abstractmethod
    def record(
        self, at: datetime, actor: str, action: str, target: str | None, details: dict[str, Any]
    ) -> None: ...

    @abc.abstractmethod
    def recent(self, limit: int) -> list[dict[str, Any]]: ...


class LoginFailureStore(abc.ABC):
    @abc.abstractmethod
    def get(self, key: str) -> FailedLogins: ...

    @abc.abstractmethod
    def record_failure(self, key: str, now: datetime, window_start: datetime) -> None:
        """Count one failure; failures before `window_start` are forgotten first."""

    @abc.abstractmethod
    def clear(self, key: str) -> None: ...


class MaintenanceLog(abc.ABC):
    @abc.abstractmethod
    def record_run(self, name: str, at: datetime, details: dict[str, Any]) -> None: ...


class ReviewPresence(abc.ABC):
    @abc.abstractmethod
    def mark(self, job_id: str, username: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def others(self, job_id: str, username: str, since: datetime) -> list[tuple[str, datetime]]:
        """Other users who loaded this review at or after `since`: (username, seen_at)."""
