"""Domain events recorded by the EmailJob aggregate; use cases act on them after commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import ErrorInfo
from domain.values import Outcome


@dataclass(frozen=True)
class Event:
    job_id: str


@dataclass(frozen=True)
class JobCompleted(Event):
    outcome: Outcome


@dataclass(frozen=True)
class JobRetryScheduled(Event):
    next_attempt_at: datetime
    error: ErrorInfo


@dataclass(frozen=True)
class JobFailedPermanently(Event):
    attempts: int
    error: ErrorInfo


@dataclass(frozen=True)
class ReviewDecided(Event):
    """A reviewer decided (match, not_creditor_reply or reopen). `claim_key` is the
    idempotency key of the ledger row a match decision booked, to mirror it."""

    seq: int
    action: str
    decided_by: str
    claim_key: str | None = None
