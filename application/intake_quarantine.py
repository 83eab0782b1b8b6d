"""The IntakeQuarantine port: signed deliveries that hit an unexpected error at intake.

The webhook's last-resort guard keeps the raw bytes here (when the database takes writes)
and answers 503; `flask intake quarantine list|replay` brings them back once the cause is
fixed. Replaying runs the same parsing and ReceiveEmail as the webhook, so dedup holds.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class QuarantinedDelivery:
    id: int
    received_at: datetime
    raw_body: bytes
    content_type: str | None
    error_type: str
    error_message: str
    replayed_at: datetime | None = None
    replay_result: str | None = None
    job_id: str | None = None


class IntakeQuarantine(abc.ABC):
    @abc.abstractmethod
    def keep(
        self,
        raw_body: bytes,
        content_type: str | None,
        error_type: str,
        error_message: str,
        at: datetime,
    ) -> int:
        """Store one delivery verbatim; returns its quarantine id."""

    @abc.abstractmethod
    def list(self, include_replayed: bool = False, limit: int = 100) -> list[QuarantinedDelivery]:
        """Oldest first."""

    @abc.abstractmethod
    def get(self, quarantine_id: int) -> QuarantinedDelivery | None: ...

    @abc.abstractmethod
    def mark_replayed(
        self, quarantine_id: int, at: datetime, result: str, job_id: str | None
    ) -> None: ...
