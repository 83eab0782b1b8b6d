"""Domain events recorded by the EmailJob aggregate.

The unit of work collects them after a successful commit and hands them to the one
dispatcher (application/dispatcher.py), which maps each event to its handlers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import ErrorInfo
from domain.values import Outcome


@dataclass(frozen=True)
class Event:
    job_id: str


@dataclass(frozen=True)
class JobQueued(Event):
    """The job waits for a worker: received, retried by an operator, or its message was lost.
    `eta` is set when the attempt is not due yet (a retry waiting for its backoff)."""

    eta: datetime | None = None


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
class ClaimWritten(Event):
    """A claim row went into the SQL ledger: the portal mirror follows it."""

    idempotency_key: str
