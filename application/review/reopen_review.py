"""ReopenReview: a matched job (a wrong auto-match or decision) goes back to the queue.

Its booked claim stays in the ledger until the corrected decision supersedes it.
"""

from __future__ import annotations

import logging

from application.ports import Clock, ConcurrencyConflict, UnitOfWorkFactory
from application.retry_job import JobNotFound
from application.review.errors import PermissionDenied
from domain.model import EmailJob
from domain.review import NotReviewable
from domain.users import Principal, Role

log = logging.getLogger(__name__)


class ReopenReview:
    """Raises JobNotFound, NotReviewable, InvalidDecision (note), PermissionDenied."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def __call__(self, job_id: str, principal: Principal, note: str | None = None) -> EmailJob:
        if not principal.can(Role.REVIEWER):
            raise PermissionDenied(principal.username, Role.REVIEWER.value)
        with self._uow_factory() as uow:
            job = uow.jobs.get(job_id)
            if job is None:
                raise JobNotFound(job_id)
            recorded = job.reopen_review(principal.username, self._clock.now(), note)
            try:
                uow.commit()
            except ConcurrencyConflict as exc:
                raise NotReviewable(job_id, "the job changed meanwhile, try again") from exc
        log.info(
            "review_reopened",
            extra={"job_id": job_id, "decided_by": principal.username, "seq": recorded.seq},
        )
        return job
