"""DecideReview: a reviewer resolves an open review (SPEC §8).

`match` books one ledger row (source review, decided_by) in the same transaction as the
decision; with `remember` the sender address and creditor reference are recorded on the
directory creditor. The job's version is the compare-and-set: of two reviewers deciding at
once, the second gets NotReviewable and nothing of theirs is written.
"""

from __future__ import annotations

import logging

from application.ports import Clock, ConcurrencyConflict, UnitOfWork, UnitOfWorkFactory
from application.retry_job import JobNotFound
from application.review.errors import PermissionDenied
from domain.decisions import InvalidDecision, MatchDecision
from domain.model import EmailJob
from domain.review import NotReviewable
from domain.users import Principal, Role

log = logging.getLogger(__name__)


class DecideReview:
    """Raises JobNotFound, NotReviewable, InvalidDecision, PermissionDenied."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def __call__(
        self,
        job_id: str,
        decision: MatchDecision | None,
        principal: Principal,
        note: str | None = None,
    ) -> EmailJob:
        """`decision` None means: not a creditor reply."""
        if not principal.can(Role.REVIEWER):
            raise PermissionDenied(principal.username, Role.REVIEWER.value)
        now = self._clock.now()
        learned: list[str] = []
        with self._uow_factory() as uow:
            job = uow.jobs.get(job_id)
            if job is None:
                raise JobNotFound(job_id)
            if (
                decision is not None
                and uow.directory.pair(decision.client_id, decision.creditor_id) is None
            ):
                raise InvalidDecision(
                    "creditor_id",
                    f"creditor {decision.creditor_id!r} of client {decision.client_id!r} "
                    "is not in the directory",
                )
            recorded = job.resolve_review(decision, principal.username, now, note)
            try:
                # The ledger flushes the job first: a stale version can surface there already.
                if decision is not None:
                    uow.ledger.record(job.review_claim_update(recorded))
                    if decision.remember:
                        learned = self._learn(uow, job, decision, principal.username, now)
                uow.commit()
            except ConcurrencyConflict as exc:
                raise NotReviewable(job_id, "another reviewer decided first") from exc
        log.info(
            "review_decided",
            extra={
                "job_id": job_id,
                "action": recorded.action.value,
                "decided_by": principal.username,
                "seq": recorded.seq,
                "learned": learned,
            },
        )
        return job

    @staticmethod
    def _learn(uow: UnitOfWork, job: EmailJob, decision: MatchDecision, by: str, now) -> list[str]:
        learned = []
        values = [("sender", job.from_email)]
        if job.extraction is not None and job.extraction.creditor_reference:
            values.append(("reference", job.extraction.creditor_reference))
        for kind, value in values:
            if uow.directory.learn(decision.creditor_id, kind, value, job.id, by, now):
                learned.append(kind)
        return learned
