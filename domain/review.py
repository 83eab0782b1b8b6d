"""The review of a job the pipeline was not sure about (SPEC §8), as pure rules.

A job that completed as needs_review has an open review. A reviewer resolves it once: `match`
(client + creditor of the directory, amount >= 0 with its currency) or `not_creditor_reply`.
A matched job (a wrong auto-match, or a wrong decision) can be reopened. Every decision keeps
who, when, what it was before, what it is after and a note: the audit trail.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.decisions import MAX_NOTE_LENGTH, InvalidDecision, MatchDecision
from domain.errors import DomainError
from domain.events import ClaimWritten, Event, ReviewDecided
from domain.extraction import Extraction, Match
from domain.values import ClaimUpdate, JobStatus, Outcome


class ReviewStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class ReviewAction(enum.StrEnum):
    MATCH = "match"
    NOT_CREDITOR_REPLY = "not_creditor_reply"
    REOPEN = "reopen"


class NotReviewable(DomainError):
    """The job has no open review (never had one, or someone resolved it first)."""

    def __init__(self, job_id: str, reason: str) -> None:
        super().__init__(f"job {job_id} cannot be reviewed: {reason}")
        self.job_id = job_id
        self.reason = reason


@dataclass
class ReviewDecision:
    """One entry of the audit trail (mapped to `review_decisions`)."""

    seq: int
    action: ReviewAction
    decided_by: str
    decided_at: datetime
    before: dict[str, Any]
    after: dict[str, Any]
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "action": ReviewAction(self.action).value,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at,
            "before": self.before,
            "after": self.after,
            "note": self.note,
        }


def _clean_note(note: str | None) -> str | None:
    if note is None:
        return None
    if not isinstance(note, str):
        raise InvalidDecision("note", "must be a string")
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidDecision("note", f"must be at most {MAX_NOTE_LENGTH} characters")
    return note.strip() or None


class Reviewable:
    """The review part of the EmailJob aggregate (mixed in; state lives on the job)."""

    id: str
    status: JobStatus
    outcome: Outcome | None
    review_status: ReviewStatus | None
    decisions: list[ReviewDecision]
    updated_at: datetime
    extraction: Extraction | None
    match: Match | None
    events: list[Event]

    @property
    def review(self) -> dict[str, Any] | None:
        """{status, action, decided_by, decided_at, note} of the latest decision, or None."""
        if self.review_status is None:
            return None
        last = self.decisions[-1] if self.decisions else None
        return {
            "status": ReviewStatus(self.review_status).value,
            "action": ReviewAction(last.action).value if last else None,
            "decided_by": last.decided_by if last else None,
            "decided_at": last.decided_at if last else None,
            "note": last.note if last else None,
        }

    @property
    def has_open_review(self) -> bool:
        return self.review_status is ReviewStatus.OPEN

    def booked_claim(self) -> dict[str, Any] | None:
        """The claim this job has in effect in the ledger: the latest match decision's, else
        the pipeline's auto-match (an auto-match without an amount booked nothing)."""
        for decision in reversed(self.decisions):
            if decision.action is ReviewAction.MATCH:
                return dict(decision.after["claim"], decided_by=decision.decided_by)
            if decision.action is ReviewAction.NOT_CREDITOR_REPLY:
                return None
        match, extraction = self.match, self.extraction
        if match is None or not match.is_auto_match:
            return None
        if extraction is None or extraction.claim_amount is None:
            return None
        return {
            "client_id": match.client_id,
            "creditor_id": match.creditor_id,
            "claim_amount": f"{extraction.claim_amount:.2f}",
            "currency": (extraction.currency or "EUR").upper(),
            "decided_by": None,
        }

    def review_claim_update(self, decision: ReviewDecision) -> ClaimUpdate:
        """The ledger row a match decision books (one per decision: its seq is in the key)."""
        if decision.action is not ReviewAction.MATCH:
            raise ValueError("only a match decision books a claim")
        claim = decision.after["claim"]
        return ClaimUpdate(
            job_id=self.id,
            client_id=claim["client_id"],
            creditor_id=claim["creditor_id"],
            amount=Decimal(claim["claim_amount"]),
            currency=claim["currency"],
            created_at=decision.decided_at,
            source="review",
            decided_by=decision.decided_by,
            decision_seq=decision.seq,
        )

    def open_review(self) -> None:
        """Called when the job completes as needs_review."""
        self.review_status = ReviewStatus.OPEN

    def resolve_review(
        self,
        decision: MatchDecision | None,
        decided_by: str,
        now: datetime,
        note: str | None = None,
    ) -> ReviewDecision:
        """Resolve the open review: `decision` is a MatchDecision, or None for not a creditor
        reply. A booked claim (after a reopen) can only be corrected by another match: the
        ledger is append-only and has no way to withdraw an amount."""
        note = _clean_note(note)
        if not self.has_open_review:
            raise NotReviewable(self.id, self._why_not_reviewable())
        booked = self.booked_claim()
        if decision is None and booked:
            raise InvalidDecision(
                "action",
                "this job booked a claim; correct it with a match decision "
                "(a booked claim cannot be withdrawn)",
            )
        before = self._snapshot(booked)
        if decision is None:
            self.outcome = Outcome.NOT_CREDITOR_REPLY
            after = {"outcome": Outcome.NOT_CREDITOR_REPLY.value, "claim": None}
            action = ReviewAction.NOT_CREDITOR_REPLY
        else:
            self.outcome = Outcome.MATCHED
            after = {"outcome": Outcome.MATCHED.value, "claim": decision.to_dict()}
            action = ReviewAction.MATCH
        self.review_status = ReviewStatus.RESOLVED
        recorded = self._record(action, decided_by, now, before, after, note)
        self.events.append(ReviewDecided(self.id, recorded.seq, action.value, decided_by))
        if decision is not None:
            # The row review_claim_update() books; the mirror follows it after the commit.
            key = self.review_claim_update(recorded).idempotency_key
            self.events.append(ClaimWritten(self.id, key))
        return recorded

    def reopen_review(
        self, decided_by: str, now: datetime, note: str | None = None
    ) -> ReviewDecision:
        """A matched job (wrong auto-match or wrong decision) goes back to the queue."""
        note = _clean_note(note)
        if self.status is not JobStatus.COMPLETED or self.outcome is not Outcome.MATCHED:
            raise NotReviewable(self.id, "only a matched job can be reopened")
        if self.has_open_review:
            raise NotReviewable(self.id, "its review is open already")
        before = self._snapshot(self.booked_claim())
        self.outcome = Outcome.NEEDS_REVIEW
        self.review_status = ReviewStatus.OPEN
        after = {"outcome": Outcome.NEEDS_REVIEW.value, "claim": before["claim"]}
        recorded = self._record(ReviewAction.REOPEN, decided_by, now, before, after, note)
        self.events.append(
            ReviewDecided(self.id, recorded.seq, ReviewAction.REOPEN.value, decided_by)
        )
        return recorded

    # -- internals -------------------------------------------------------------------------

    def _why_not_reviewable(self) -> str:
        if self.review_status is ReviewStatus.RESOLVED:
            return "its review is resolved already"
        if self.status is not JobStatus.COMPLETED:
            return f"it is {JobStatus(self.status).value}, not completed"
        return "it has no open review"

    def _snapshot(self, booked: dict[str, Any] | None) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value if self.outcome else None,
            "review_status": self.review_status.value if self.review_status else None,
            "claim": booked,
        }

    def _record(
        self,
        action: ReviewAction,
        decided_by: str,
        now: datetime,
        before: dict[str, Any],
        after: dict[str, Any],
        note: str | None,
    ) -> ReviewDecision:
        if now.tzinfo is None:
            raise ValueError("times must be timezone-aware (UTC)")
        if not decided_by:
            raise ValueError("a decision needs the name of who made it")
        decision = ReviewDecision(
            seq=len(self.decisions) + 1,
            action=action,
            decided_by=decided_by,
            decided_at=now,
            before=before,
            after=after,
            note=note,
        )
        self.decisions.append(decision)
        self.updated_at = now
        return decision
