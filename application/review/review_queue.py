"""The review queue, oldest first: as jobs for the JSON API, and as a plain read view with
age and the candidates' directory names for the console."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from application.job_queries import MAX_PAGE_SIZE
from application.ports import Clock, JobPage
from application.review_ports import ReviewQueries
from domain.model import EmailJob


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    if offset < 0:
        raise ValueError("offset must be >= 0")


class ListOpenReviews:
    """Jobs with an open review (each with its extraction and match), oldest first."""

    def __init__(self, queries: ReviewQueries) -> None:
        self._queries = queries

    def __call__(self, limit: int = 50, offset: int = 0) -> JobPage:
        _check_page(limit, offset)
        jobs, total = self._queries.open_reviews(limit, offset)
        return JobPage(items=jobs, total=total, limit=limit, offset=offset, status_counts={})


@dataclass(frozen=True)
class CandidateView:
    client_id: str
    creditor_id: str
    score: float
    client_name: str | None  # None: the pair is no longer in the directory
    creditor_name: str | None
    client_reference: str | None = None
    creditor_reference: str | None = None


@dataclass(frozen=True)
class ReviewItem:
    job_id: str
    ticket_id: int
    from_email: str
    from_name: str | None
    subject: str
    received_at: datetime
    completed_at: datetime | None
    age_seconds: float  # since the email was received
    score: float | None
    extraction: dict[str, Any] | None
    candidates: list[CandidateView] = field(default_factory=list)
    reopened_by: str | None = None  # set when a matched job was sent back to review


@dataclass(frozen=True)
class ReviewQueuePage:
    items: list[ReviewItem]
    total: int
    limit: int
    offset: int
    oldest_age_seconds: float | None


class ReviewQueue:
    """The console's queue: plain data, candidates named from the directory."""

    def __init__(self, queries: ReviewQueries, clock: Clock) -> None:
        self._queries = queries
        self._clock = clock

    def __call__(self, limit: int = 50, offset: int = 0) -> ReviewQueuePage:
        _check_page(limit, offset)
        jobs, total = self._queries.open_reviews(limit, offset)
        keys = {(c.client_id, c.creditor_id) for job in jobs for c in _candidates(job)}
        pairs = self._queries.pairs(keys) if keys else {}
        now = self._clock.now()
        items = [self._item(job, pairs, now) for job in jobs]
        oldest = None
        if total:
            first, _ = self._queries.open_reviews(1, 0)
            oldest = (now - first[0].received_at).total_seconds() if first else None
        return ReviewQueuePage(items, total, limit, offset, oldest)

    @staticmethod
    def _item(job: EmailJob, pairs, now: datetime) -> ReviewItem:
        candidates = []
        for c in _candidates(job):
            pair = pairs.get((c.client_id, c.creditor_id))
            candidates.append(
                CandidateView(
                    c.client_id,
                    c.creditor_id,
                    c.score,
                    pair.client_name if pair else None,
                    pair.creditor_name if pair else None,
                    pair.client_reference if pair else None,
                    pair.creditor_reference if pair else None,
                )
            )
        last = job.decisions[-1] if job.decisions else None
        return ReviewItem(
            job_id=job.id,
            ticket_id=job.ticket_id,
            from_email=job.from_email,
            from_name=job.from_name,
            subject=job.subject,
            received_at=job.received_at,
            completed_at=job.completed_at,
            age_seconds=(now - job.received_at).total_seconds(),
            score=job.match.score if job.match else None,
            extraction=job.extraction.to_dict() if job.extraction else None,
            candidates=candidates,
            reopened_by=last.decided_by if last and last.action.value == "reopen" else None,
        )


def _candidates(job: EmailJob):
    return job.match.candidates if job.match else ()
