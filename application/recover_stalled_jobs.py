"""RecoverStalledJobs: the sweep that makes at-most-once Huey an at-least-once system (SPEC §5.2, §5.4).

1. `processing` jobs whose lease expired (worker lost, e.g. kill -9) → queued or failed.
2. `received` jobs, and `queued` jobs that are due, older than a grace period → handed to
   the queue again (a duplicate message is a no-op: claiming is a compare-and-set).
3. `failed` jobs whose alert was never recorded → alert handed to the queue again.
Each step only changes or re-announces the job; its events reach the queue through the unit
of work's commit like everywhere else. Safe to run on several workers at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from application.ports import (
    Clock,
    ConcurrencyConflict,
    OperationalCounters,
    QueueUnavailable,
    TaskQueue,
    UnitOfWorkFactory,
)
from domain.retry_policy import RetryPolicy
from domain.values import JobStatus

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    expired_leases: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    queue_errors: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "expired_leases": len(self.expired_leases),
            "requeued": len(self.requeued),
            "alerts": len(self.alerts),
            "queue_errors": self.queue_errors,
        }


class RecoverStalledJobs:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        queue: TaskQueue,  # asked only which messages it still holds
        clock: Clock,
        policy: RetryPolicy,
        grace: timedelta = timedelta(seconds=60),
        batch_size: int = 500,
        counters: OperationalCounters | None = None,
    ) -> None:
        self._counters = counters
        self._uow_factory = uow_factory
        self._queue = queue
        self._clock = clock
        self._policy = policy
        self._grace = grace
        self._batch_size = batch_size

    def __call__(self) -> SweepReport:
        report = SweepReport()
        now = self._clock.now()
        with self._uow_factory() as uow:
            expired = uow.jobs.expired_lease_ids(now, self._batch_size)
        for job_id in expired:
            self._expire(job_id, report)

        older_than = now - self._grace
        with self._uow_factory() as uow:
            unhanded = uow.jobs.unhanded_ids(older_than, self._batch_size)
            unalerted = uow.jobs.unalerted_failure_ids(older_than, self._batch_size)
        if unhanded:
            # Jobs still waiting in the queue are not lost: re-handing them would only pile up
            # duplicate messages behind a backlog.
            try:
                held = self._queue.queued_job_ids()
            except QueueUnavailable:
                held = None
            if held:
                unhanded = [job_id for job_id in unhanded if job_id not in held]
        for job_id in unhanded:
            self._hand_over(job_id, report)
        for job_id in unalerted:
            self._hand_over(job_id, report, alert=True)
        if report.requeued and self._counters is not None:
            self._counters.jobs_requeued(len(report.requeued))
        if expired or unhanded or unalerted or report.queue_errors:
            log.info("recovery_sweep", extra=report.as_dict())
        return report

    def _expire(self, job_id: str, report: SweepReport) -> None:
        now = self._clock.now()
        with self._uow_factory() as uow:
            job = uow.jobs.get_for_claim(job_id)
            if job is None or not job.lease_expired(now):
                return  # locked by its worker, finished meanwhile, or swept by another sweep
            job.expire_lease(now, self._policy)
            try:
                uow.commit()
            except ConcurrencyConflict:
                return
            report.queue_errors += len(uow.undelivered)
        report.expired_leases.append(job_id)
        log.warning(
            "lease_expired",
            extra={"job_id": job_id, "attempt": job.attempts, "status": job.status.value},
        )

    def _hand_over(self, job_id: str, report: SweepReport, alert: bool = False) -> None:
        """A `received` job is enqueued now; a `queued` job, or a `failed` one whose alert was
        lost, announces its pending event again (JobQueued with its ETA, JobFailedPermanently)."""
        now = self._clock.now()
        with self._uow_factory() as uow:
            job = uow.jobs.get_for_claim(job_id)
            if job is None:
                return
            if alert and job.needs_failure_alert:
                job.repeat_handover(now)
            elif not alert and job.status is JobStatus.RECEIVED:
                job.enqueue(now)
            elif not alert and job.status is JobStatus.QUEUED:
                job.repeat_handover(now)
            else:
                return  # moved on meanwhile
            try:
                uow.commit()
            except ConcurrencyConflict:
                return
            undelivered = uow.undelivered
        if undelivered:
            report.queue_errors += len(undelivered)
            return
        (report.alerts if alert else report.requeued).append(job_id)
        log.info("alert_requeued" if alert else "job_requeued", extra={"job_id": job_id})
