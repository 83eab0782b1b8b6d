"""RetryJob: an operator's retry of a failed job, with a fresh retry budget."""

from __future__ import annotations

import logging

from application.ports import Clock, UnitOfWorkFactory
from domain.errors import IllegalTransition
from domain.model import EmailJob

log = logging.getLogger(__name__)


class JobNotFound(Exception):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"no job with id {job_id!r}")
        self.job_id = job_id


class NotRetryable(Exception):
    def __init__(self, job_id: str, status: str) -> None:
        super().__init__(f"job {job_id} is {status}; only a failed job can be retried")
        self.job_id = job_id
        self.status = status


class RetryJob:
    """failed → queued, committed; the commit publishes JobQueued (the sweep covers an outage).

    Raises JobNotFound, NotRetryable; ConcurrencyConflict when the job changed meanwhile.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def __call__(self, job_id: str) -> EmailJob:
        now = self._clock.now()
        with self._uow_factory() as uow:
            job = uow.jobs.get(job_id)
            if job is None:
                raise JobNotFound(job_id)
            try:
                job.retry_manually(now)
            except IllegalTransition as exc:
                raise NotRetryable(job_id, job.status.value) from exc
            uow.commit()
        log.info("job_retried", extra={"job_id": job_id, "manual_retries": job.manual_retries})
        return job
