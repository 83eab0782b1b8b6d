"""A job's transition record (HistoryEntry) and the aware-time check of its transitions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import ErrorInfo
from domain.values import JobStatus


@dataclass
class HistoryEntry:
    """One transition of a job, as the API shows it."""

    attempt: int
    at: datetime
    from_status: JobStatus
    to_status: JobStatus
    result: str
    error: ErrorInfo | None = None


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("times must be timezone-aware (UTC)")
