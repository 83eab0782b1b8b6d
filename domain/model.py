"""The EmailJob aggregate: one inbound email and the state machine of its processing (SPEC §3).

received → queued → processing → completed | failed, with retries back to queued and an
operator retry from failed. Every transition checks the current status, raises
IllegalTransition otherwise (changing nothing), and appends a HistoryEntry.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from domain.errors import ErrorInfo, IllegalTransition
from domain.events import (
    ClaimWritten,
    Event,
    JobCompleted,
    JobFailedPermanently,
    JobQueued,
    JobRetryScheduled,
)
from domain.extraction import Extraction, Match
from domain.history import HistoryEntry, _require_aware
from domain.retry_policy import RetryPolicy
from domain.review import Reviewable, ReviewDecision, ReviewStatus
from domain.values import (
    Attachment,
    AttachmentText,
    ClaimUpdate,
    InboundEmail,
    JobSource,
    JobStatus,
    Outcome,
)

LEASE_EXPIRED = ErrorInfo.transient("LeaseExpired", "lease expired: the worker was lost")


class EmailJob(Reviewable):
    """Aggregate root. Persistence maps a subclass of it imperatively (what the use cases build
    stays a plain object); `version` belongs to the mapper.
    The review rules (SPEC §8) are in domain/review.py."""

    def __init__(
        self,
        id: str,
        email: InboundEmail,
        received_at: datetime,
    ) -> None:
        _require_aware(received_at)
        self.id = id
        self.external_id = email.external_id
        self.zendesk_key = email.zendesk_key
        self.source = JobSource(email.source)
        self.ticket_id = email.ticket_id
        self.comment_id = email.comment_id
        self.message_id = email.message_id
        self.from_email = email.from_email
        self.from_name = email.from_name
        self.subject = email.subject
        self.body_html = email.body_html
        self.body_text = email.body_text
        self.attachments: list[Attachment] = list(email.attachments)
        self.received_at = received_at
        self.status = JobStatus.RECEIVED
        self.outcome: Outcome | None = None
        self.attempts = 0
        # Attempts since the job was received or last retried by an operator: the retry
        # budget counts these, while `attempts` keeps counting so an attempt number is unique.
        self.cycle_attempts = 0
        self.manual_retries = 0
        self.queued_at: datetime | None = None
        self.started_at: datetime | None = None
        self.completed_at: datetime | None = None
        self.next_attempt_at: datetime | None = None
        self.lease_expires_at: datetime | None = None
        self.last_error: ErrorInfo | None = None
        self.failure_notified_at: datetime | None = None
        self.updated_at = received_at
        self.cleaned_body: str | None = None
        # None: attachments not read yet; a list (maybe empty) once read (a checkpoint).
        self.attachment_texts: list[AttachmentText] | None = None
        # When the Zendesk write-back (internal note + tags) was posted; None: not yet.
        self.written_back_at: datetime | None = None
        self.extraction: Extraction | None = None
        self.match: Match | None = None
        self.history: list[HistoryEntry] = []
        self.review_status: ReviewStatus | None = None
        self.decisions: list[ReviewDecision] = []
        self.version = 0
        self.events: list[Event] = []

    # -- queries ---------------------------------------------------------------------------

    @property
    def processing_seconds(self) -> float | None:
        if self.completed_at is None or self.started_at is None:
            return None
        return (self.completed_at - self.started_at).total_seconds()

    def is_due(self, now: datetime) -> bool:
        return self.next_attempt_at is None or self.next_attempt_at <= now

    def can_start(self, now: datetime) -> bool:
        return self.status is JobStatus.QUEUED and self.is_due(now)

    def is_held_by(self, attempt: int) -> bool:
        """Is attempt number `attempt` still the one running? (attempts never decrease)"""
        return self.status is JobStatus.PROCESSING and self.attempts == attempt

    def lease_expired(self, now: datetime) -> bool:
        return (
            self.status is JobStatus.PROCESSING
            and self.lease_expires_at is not None
            and self.lease_expires_at <= now
        )

    @property
    def needs_failure_alert(self) -> bool:
        return self.status is JobStatus.FAILED and self.failure_notified_at is None

    # -- transitions -----------------------------------------------------------------------

    def enqueue(self, now: datetime) -> None:
        self._require(JobStatus.RECEIVED, "enqueue", now)
        self.queued_at = now
        self._transition(now, JobStatus.QUEUED, "queued")
        self.events.append(JobQueued(self.id))

    def start(self, now: datetime, lease: timedelta) -> None:
        self._require(JobStatus.QUEUED, "start", now)
        if not self.is_due(now):
            raise IllegalTransition(
                "start", self.status.value, f"next attempt is due at {self.next_attempt_at}"
            )
        if lease <= timedelta(0):
            raise ValueError("lease must be positive")
        self.attempts += 1
        self.cycle_attempts += 1
        self.started_at = now
        self.completed_at = None
        self.next_attempt_at = None
        self.lease_expires_at = now + lease
        self._transition(now, JobStatus.PROCESSING, "started")

    def complete(self, now: datetime, outcome: Outcome) -> None:
        self._require(JobStatus.PROCESSING, "complete", now)
        outcome = Outcome(outcome)
        self.outcome = outcome
        self.completed_at = now
        self.lease_expires_at = None
        if outcome is Outcome.NEEDS_REVIEW:
            self.open_review()
        self._transition(now, JobStatus.COMPLETED, f"completed: {outcome.value}")
        self.events.append(JobCompleted(self.id, outcome))

    def fail_attempt(self, error: ErrorInfo, now: datetime, policy: RetryPolicy) -> None:
        self._require(JobStatus.PROCESSING, "fail an attempt of", now)
        self._fail(error, now, policy, "attempt failed")

    def expire_lease(self, now: datetime, policy: RetryPolicy) -> None:
        self._require(JobStatus.PROCESSING, "expire the lease of", now)
        if not self.lease_expired(now):
            raise IllegalTransition(
                "expire the lease of",
                self.status.value,
                f"lease runs until {self.lease_expires_at}",
            )
        self._fail(LEASE_EXPIRED, now, policy, "lease expired")

    def retry_manually(self, now: datetime) -> None:
        self._require(JobStatus.FAILED, "retry", now)
        self.manual_retries += 1
        self.cycle_attempts = 0
        self.failure_notified_at = None
        self.next_attempt_at = None
        self.queued_at = now
        self._transition(now, JobStatus.QUEUED, "manual retry", error=self.last_error)
        self.events.append(JobQueued(self.id))

    def repeat_handover(self, now: datetime) -> None:
        """The recovery sweep found this job's queue message or alert lost: record the event
        that hands it over again. No status change and no history entry."""
        _require_aware(now)
        if self.status is JobStatus.QUEUED:
            eta = self.next_attempt_at if not self.is_due(now) else None
            self.events.append(JobQueued(self.id, eta))
        elif self.needs_failure_alert:
            assert self.last_error is not None
            self.events.append(JobFailedPermanently(self.id, self.attempts, self.last_error))
        else:
            raise IllegalTransition("hand over again", self.status.value, "nothing is pending")

    # -- checkpoints and bookkeeping (no status change, no history entry) -------------------

    def record_cleaned_body(self, cleaned_body: str, now: datetime) -> None:
        self._require(JobStatus.PROCESSING, "record the cleaned body of", now)
        self.cleaned_body = cleaned_body
        self.updated_at = now

    def record_attachment_texts(self, texts: list[AttachmentText], now: datetime) -> None:
        self._require(JobStatus.PROCESSING, "record the attachment texts of", now)
        self.attachment_texts = list(texts)
        self.updated_at = now

    def mark_written_back(self, now: datetime) -> None:
        """The Zendesk write-back for this completed job was posted (at most once)."""
        _require_aware(now)
        if self.status is not JobStatus.COMPLETED:
            raise IllegalTransition("write back", self.status.value, "needs 'completed'")
        if self.written_back_at is not None:
            raise IllegalTransition("write back", self.status.value, "already written back")
        self.written_back_at = now
        self.updated_at = now

    def record_extraction(self, extraction: Extraction, now: datetime) -> None:
        self._require(JobStatus.PROCESSING, "record the extraction of", now)
        self.extraction = extraction
        self.updated_at = now

    def record_match(self, match: Match, now: datetime) -> None:
        self._require(JobStatus.PROCESSING, "record the match of", now)
        self.match = match
        self.updated_at = now

    def mark_failure_notified(self, now: datetime) -> None:
        _require_aware(now)
        if not self.needs_failure_alert:
            raise IllegalTransition(
                "mark the failure alert of", self.status.value, "no failure alert is due"
            )
        self.failure_notified_at = now
        self.updated_at = now

    def write_claim(self, now: datetime) -> ClaimUpdate:
        """The ledger row an auto-matched creditor reply produces; records ClaimWritten, so
        the portal mirror follows once the row is committed with the job."""
        if self.match is None or not self.match.is_auto_match:
            raise ValueError("job has no auto-match to write a claim for")
        if self.extraction is None or self.extraction.claim_amount is None:
            raise ValueError("job has no claim amount to write")
        amount: Decimal = self.extraction.claim_amount
        claim = ClaimUpdate(
            job_id=self.id,
            client_id=self.match.client_id,  # type: ignore[arg-type]
            creditor_id=self.match.creditor_id,  # type: ignore[arg-type]
            amount=amount,
            currency=(self.extraction.currency or "EUR").upper(),
            created_at=now,
        )
        self.events.append(ClaimWritten(self.id, claim.idempotency_key))
        return claim

    def pull_events(self) -> list[Event]:
        events, self.events = self.events, []
        return events

    # -- internals -------------------------------------------------------------------------

    def _fail(self, error: ErrorInfo, now: datetime, policy: RetryPolicy, result: str) -> None:
        self.last_error = error
        self.lease_expires_at = None
        if not error.is_permanent and policy.has_retry_left(self.cycle_attempts):
            self.next_attempt_at = now + policy.backoff(self.cycle_attempts)
            self.queued_at = now
            self._transition(now, JobStatus.QUEUED, f"{result}, retry scheduled", error=error)
            self.events.append(JobRetryScheduled(self.id, self.next_attempt_at, error))
            return
        self.next_attempt_at = None
        reason = "permanent error" if error.is_permanent else "retries exhausted"
        self._transition(now, JobStatus.FAILED, f"{result}, {reason}", error=error)
        self.events.append(JobFailedPermanently(self.id, self.attempts, error))

    def _require(self, expected: JobStatus, action: str, now: datetime) -> None:
        # Check everything before changing anything, so a refused transition changes nothing.
        _require_aware(now)
        if self.status is not expected:
            raise IllegalTransition(action, self.status.value, f"needs {expected.value!r}")

    def _transition(
        self, now: datetime, to_status: JobStatus, result: str, error: ErrorInfo | None = None
    ) -> None:
        self.history.append(
            HistoryEntry(
                attempt=self.attempts,
                at=now,
                from_status=self.status,
                to_status=to_status,
                result=result,
                error=error,
            )
        )
        self.status = to_status
        self.updated_at = now

    def __repr__(self) -> str:
        return f"<EmailJob {self.id} {self.status.value} attempts={self.attempts}>"
