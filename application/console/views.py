"""Read views of the console: plain dataclasses, never aggregates with their history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class JobFilter:
    """What the jobs list shows; every field comes from the URL's query string."""

    status: str | None = None
    outcome: str | None = None
    q: str | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None

    def is_empty(self) -> bool:
        return not any((self.status, self.outcome, self.q, self.received_from, self.received_to))


@dataclass(frozen=True)
class Cursor:
    """Keyset position: the last row shown, in the list's order (received_at, id)."""

    received_at: datetime
    job_id: str


@dataclass(frozen=True)
class JobRow:
    id: str
    ticket_id: int
    from_email: str
    subject: str
    status: str
    outcome: str | None
    attempts: int
    received_at: datetime
    completed_at: datetime | None
    error_type: str | None
    review_status: str | None


@dataclass(frozen=True)
class JobRowPage:
    items: list[JobRow]
    next_cursor: Cursor | None
    newest_first: bool = True


@dataclass(frozen=True)
class HourBucket:
    start: datetime
    received: int = 0
    completed: int = 0


@dataclass(frozen=True)
class MirrorHealth:
    configured: bool
    last_report_at: datetime | None = None
    checked: int = 0
    mismatches: int = 0
    unmirrored_claims: int = 0

    @property
    def score(self) -> float | None:
        if self.last_report_at is None:
            return None
        return 1.0 if self.checked == 0 else round(1 - self.mismatches / self.checked, 4)


@dataclass(frozen=True)
class DashboardCounts:
    """What the read side counts in one go; the dashboard use case adds the chart buckets."""

    status_counts: dict[str, int]
    outcome_counts: dict[str, int]
    open_reviews: int
    oldest_open_review_at: datetime | None
    failed_last_24h: int
    unmirrored_claims: int
    last_reconciliation: dict[str, Any] | None
    last_sweep_at: datetime | None


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    status_counts: dict[str, int]
    outcome_counts: dict[str, int]
    open_reviews: int
    oldest_open_review_age_seconds: float | None
    failed_last_24h: int
    hours: list[HourBucket]
    mirror: MirrorHealth
    last_sweep_at: datetime | None


@dataclass(frozen=True)
class Candidate:
    rank: int
    client_id: str
    creditor_id: str
    score: float
    client_name: str | None = None
    creditor_name: str | None = None
    client_reference: str | None = None
    creditor_reference: str | None = None


@dataclass(frozen=True)
class LedgerRow:
    id: int
    client_id: str
    creditor_id: str
    amount: str
    currency: str
    created_at: datetime
    mirrored_at: datetime | None
    source: str | None = None
    decided_by: str | None = None
    supersedes: int | None = None


@dataclass(frozen=True)
class TimelineEntry:
    attempt: int
    at: datetime
    from_status: str
    to_status: str
    result: str
    error: dict[str, Any] | None


@dataclass
class JobDetail:
    """One job as the console shows it. `cleaned_body` is None for viewers (personal data)."""

    id: str
    external_id: str
    ticket_id: int
    from_email: str
    from_name: str | None
    subject: str
    status: str
    outcome: str | None
    attempts: int
    manual_retries: int
    received_at: datetime
    completed_at: datetime | None
    next_attempt_at: datetime | None
    last_error: dict[str, Any] | None
    review_status: str | None
    extraction: dict[str, Any] | None
    match_score: float | None
    timeline: list[TimelineEntry] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    ledger: list[LedgerRow] = field(default_factory=list)
    cleaned_body: str | None = None
    original_body: str | None = None  # as received, quoted history included (reviewers only)
    decisions: list[dict[str, Any]] = field(default_factory=list)
