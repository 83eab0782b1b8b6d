"""ProcessEmail: one attempt at a job — claim, parse, extract, match, write the claim, complete.

Each intermediate result is recorded on the job as it is produced and stored with it (SPEC §2),
so an attempt after a late-step error does not pay for the extraction again. A result is
committed on its own (a checkpoint) right after an expensive or external step: the attachments
read from Zendesk, a costly extractor (Claude). A cheap, local step (cleaning, the rules
extractor, matching) is committed with the job's next write instead: a retry simply redoes it,
and the attempt needs two transactions (claim, completion) instead of five. Every commit after
the claim is made under the version compare-and-set: a worker that lost its lease is stopped
(LeaseLost) and writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from application.pipeline_ports import ClientDirectory, EmailParser, Extractor, NameSimilarity
from application.ports import Clock, ConcurrencyConflict, UnitOfWork, UnitOfWorkFactory
from domain.errors import classify
from domain.matching import match_candidates
from domain.model import EmailJob
from domain.outcome import decide_outcome, needs_matching
from domain.retry_policy import RetryPolicy
from domain.values import AttachmentText, JobStatus, Outcome

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """This attempt no longer holds the job (the sweep or another worker took it over)."""


@dataclass(frozen=True)
class ProcessingSettings:
    lease: timedelta = timedelta(seconds=600)
    match_threshold: float = 0.85


@dataclass(frozen=True)
class AttemptResult:
    """What one call did: `claimed` False means the message was a no-op."""

    job_id: str
    claimed: bool
    status: str | None = None
    outcome: str | None = None


class ProcessEmail:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        parser: EmailParser,
        extractor: Extractor,
        directory: ClientDirectory,
        similarity: NameSimilarity,
        policy: RetryPolicy,
        settings: ProcessingSettings,
        attachments: Callable[[EmailJob], Sequence[AttachmentText]] | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._parser = parser
        self._extractor = extractor
        self._directory = directory
        self._similarity = similarity
        self._policy = policy
        self._settings = settings
        # ReadAttachments when the Zendesk API is configured; None: the body alone is read.
        self._attachments = attachments
        # The claim need not wait for the database's disk when the attempt is local and takes
        # milliseconds (no Zendesk call, no costly extractor). A claim lost with a database
        # crash leaves the job `queued` as before it, which the recovery sweep hands over
        # again; nothing outside the database happens before the completion, whose durable
        # commit flushes the log in order, the claim's record with it. A costly or remote
        # step would widen the window in which a re-claim after a database restart could
        # meet this attempt's version again, so those attempts claim durably.
        self._claim_durably = extractor.costly or attachments is not None

    def __call__(self, job_id: str) -> AttemptResult:
        job = self._claim(job_id)
        if job is None:
            return AttemptResult(job_id, claimed=False)
        attempt = job.attempts
        try:
            job = self._run(job)
        except LeaseLost:
            log.warning("lease_lost", extra={"job_id": job_id, "attempt": attempt})
            return AttemptResult(job_id, claimed=True)
        except Exception as exc:  # every failure is classified; none is swallowed
            return self._record_failure(job_id, attempt, exc)
        return AttemptResult(job_id, True, job.status.value, job.outcome and job.outcome.value)

    # -- claim -----------------------------------------------------------------------------

    def _claim(self, job_id: str) -> EmailJob | None:
        now = self._clock.now()
        with self._uow_factory() as uow:
            job = uow.jobs.get_for_claim(job_id)
            if job is None:
                log.info("claim_skipped", extra={"job_id": job_id, "reason": "missing or locked"})
                return None
            if not job.can_start(now):
                log.info(
                    "claim_skipped",
                    extra={
                        "job_id": job_id,
                        "reason": "not due" if job.status is JobStatus.QUEUED else "not queued",
                        "status": job.status.value,
                    },
                )
                return None
            job.start(now, self._settings.lease)
            try:
                uow.commit(durable=self._claim_durably)
            except ConcurrencyConflict:
                log.info("claim_skipped", extra={"job_id": job_id, "reason": "claimed elsewhere"})
                return None
        log.info("job_claimed", extra={"job_id": job_id, "attempt": job.attempts})
        return job

    # -- the pipeline ----------------------------------------------------------------------

    def _run(self, job: EmailJob) -> EmailJob:
        """The claimed job stays in memory: each checkpoint commits it back under the version
        compare-and-set, which fails (LeaseLost) once anyone else has changed it."""
        if job.cleaned_body is None:
            self._clean(job)
        if job.extraction is None and self._attachments and job.attachment_texts is None:
            job = self._read_attachments(job)
        if job.extraction is None:
            job = self._extract(job)
        else:
            log.info("extraction_reused", extra={"job_id": job.id})
        assert job.extraction is not None
        if needs_matching(job.extraction) and job.match is None:
            self._match(job)
        outcome = decide_outcome(job.extraction, job.match)
        return self._complete(job, outcome)

    # -- the steps: results recorded on the job; a checkpoint after an expensive one ---------

    def _clean(self, job: EmailJob) -> None:
        """Cheap and local: committed with the next write (attachments, extraction or the
        completion)."""
        cleaned = self._parser.clean(job.body_html or "", job.body_text or "")
        job.record_cleaned_body(cleaned, self._clock.now())
        log.info("body_cleaned", extra={"job_id": job.id, "chars": len(cleaned)})

    def _read_attachments(self, job: EmailJob) -> EmailJob:
        """Zendesk API calls: checkpointed at once."""
        assert self._attachments is not None
        texts = list(self._attachments(job))
        job.record_attachment_texts(texts, self._clock.now())
        return self._checkpoint(job)

    def _extract(self, job: EmailJob) -> EmailJob:
        readable = [a for a in job.attachment_texts or [] if a.text.strip()]
        # Only with texts: an extractor that does not know the parameter still works.
        extra = {"attachments": readable} if readable else {}
        extraction = self._extractor.extract(
            job.cleaned_body or "", job.subject, job.from_email, job.from_name, **extra
        )
        job.record_extraction(extraction, self._clock.now())
        if self._extractor.costly:  # Claude: a retry must not pay for it again
            job = self._checkpoint(job)
        log.info(
            "entities_extracted",
            extra={
                "job_id": job.id,
                "extractor": extraction.extractor,
                "is_creditor_reply": extraction.is_creditor_reply,
                "confidence": extraction.confidence,
            },
        )
        return job

    def _match(self, job: EmailJob) -> None:
        """Cheap and local (the directory is cached in memory): committed with the completion."""
        extraction = job.extraction
        assert extraction is not None
        entries = self._directory.candidates(extraction, job.from_email)
        match = match_candidates(
            extraction,
            entries,
            self._similarity,
            self._settings.match_threshold,
            sender=job.from_email,
        )
        job.record_match(match, self._clock.now())
        log.info(
            "match_scored",
            extra={
                "job_id": job.id,
                "score": match.score,
                "auto_match": match.is_auto_match,
                "candidates": len(match.candidates),
            },
        )

    def _complete(self, job: EmailJob, outcome: Outcome) -> EmailJob:
        """Write the claim (matched only) and complete, in one commit; the commit publishes
        ClaimWritten (the mirror follows) and JobCompleted (the case desk is told)."""
        now = self._clock.now()
        job_id, attempt = job.id, job.attempts
        with self._uow_factory() as uow:
            uow.jobs.resume(job)
            try:
                claim = job.write_claim(now) if outcome is Outcome.MATCHED else None
                job.complete(now, outcome)
                # The ledger flushes the completed job first (one flush for the job, not two):
                # a stale version surfaces there, before the claim row is written.
                if claim is not None and not uow.ledger.record(claim):
                    log.info(
                        "claim_already_written",
                        extra={"job_id": job_id, "idempotency_key": claim.idempotency_key},
                    )
                uow.commit()
            except ConcurrencyConflict as exc:
                raise LeaseLost(job_id) from exc
        log.info(
            "job_completed",
            extra={
                "job_id": job_id,
                "outcome": outcome.value,
                "attempt": attempt,
                "processing_seconds": job.processing_seconds,
            },
        )
        return job

    # -- failure ---------------------------------------------------------------------------

    def _record_failure(self, job_id: str, attempt: int, exc: Exception) -> AttemptResult:
        error = classify(exc)
        log.warning(
            "attempt_failed",
            extra={
                "job_id": job_id,
                "attempt": attempt,
                "error_kind": error.kind.value,
                "error_type": error.type,
                "error": error.message,
            },
            exc_info=error.is_permanent,  # a permanent error is usually a bug: keep the trace
        )
        now = self._clock.now()
        try:
            with self._uow_factory() as uow:
                job = self._held(uow, job_id, attempt)
                job.fail_attempt(error, now, self._policy)
                self._commit_held(uow, job_id, attempt)
        except LeaseLost:
            log.warning("lease_lost", extra={"job_id": job_id, "attempt": attempt})
            return AttemptResult(job_id, claimed=True)
        # Anything else raised while recording (database down) propagates: the job stays
        # `processing` and the sweep turns it back into `queued` when the lease expires.
        if job.status is JobStatus.QUEUED:
            log.info(
                "retry_scheduled",
                extra={"job_id": job_id, "next_attempt_at": job.next_attempt_at},
            )
        else:
            log.error(
                "job_failed",
                extra={"job_id": job_id, "attempts": job.attempts, "error_type": error.type},
            )
        return AttemptResult(job_id, True, job.status.value, None)

    # -- holding the job -------------------------------------------------------------------

    def _checkpoint(self, job: EmailJob) -> EmailJob:
        """Commit what has been recorded on the held job since its last commit."""
        with self._uow_factory() as uow:
            uow.jobs.resume(job)
            self._commit_held(uow, job.id, job.attempts)
        return job

    @staticmethod
    def _held(uow: UnitOfWork, job_id: str, attempt: int) -> EmailJob:
        job = uow.jobs.get(job_id)
        if job is None or not job.is_held_by(attempt):
            raise LeaseLost(job_id)
        return job

    @staticmethod
    def _commit_held(uow: UnitOfWork, job_id: str, attempt: int) -> None:
        try:
            uow.commit()
        except ConcurrencyConflict as exc:
            raise LeaseLost(job_id) from exc
