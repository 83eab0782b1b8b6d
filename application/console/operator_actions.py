"""Operator actions from the console (SPEC §9): retry one, retry what a filter selects, run
the recovery sweep — each one audited (who, when, what, result)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from application.console.ports import ActionAudit, ConsoleQueries, MaintenanceLog
from application.console.views import JobFilter
from application.ports import Clock, ConcurrencyConflict
from application.recover_stalled_jobs import SweepReport
from application.retry_job import JobNotFound, NotRetryable, RetryJob
from domain.users import Principal

log = logging.getLogger(__name__)

# A bulk retry takes at most this many jobs per confirmation; the rest need another round.
BULK_RETRY_LIMIT = 1000
SWEEP_RUN_NAME = "recover_stalled_jobs"


@dataclass
class BulkRetryResult:
    selected: int = 0
    retried: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _filter_details(job_filter: JobFilter) -> dict:
    details = asdict(job_filter)
    for key in ("received_from", "received_to"):
        if details[key] is not None:
            details[key] = details[key].isoformat()
    return details


class RetryOneJob:
    """RetryJob, audited. Raises what RetryJob raises (JobNotFound, NotRetryable, conflict)."""

    def __init__(self, retry: Callable[[], RetryJob], audit: ActionAudit, clock: Clock) -> None:
        self._retry = retry
        self._audit = audit
        self._clock = clock

    def __call__(self, job_id: str, actor: Principal) -> None:
        self._retry()(job_id)
        self._audit.record(self._clock.now(), actor.username, "retry", job_id, {})


class BulkRetry:
    """Counts (dry run) or retries the failed jobs a list filter selects."""

    def __init__(
        self,
        queries: ConsoleQueries,
        retry: Callable[[], RetryJob],
        audit: ActionAudit,
        clock: Clock,
    ) -> None:
        self._queries = queries
        self._retry = retry
        self._audit = audit
        self._clock = clock

    def count(self, job_filter: JobFilter) -> int:
        return self._queries.count_failed(job_filter)

    def __call__(self, job_filter: JobFilter, actor: Principal) -> BulkRetryResult:
        ids = self._queries.failed_job_ids(job_filter, BULK_RETRY_LIMIT)
        result = BulkRetryResult(selected=len(ids))
        retry = self._retry()
        for job_id in ids:
            try:
                retry(job_id)
            except (JobNotFound, NotRetryable, ConcurrencyConflict):
                # Someone else retried or it changed meanwhile: nothing to do for this one.
                result.skipped.append(job_id)
            else:
                result.retried.append(job_id)
        self._audit.record(
            self._clock.now(),
            actor.username,
            "bulk_retry",
            None,
            {
                "filter": _filter_details(job_filter),
                "selected": result.selected,
                "retried": len(result.retried),
                "skipped": result.skipped,
            },
        )
        log.info("bulk_retry", extra={"retried": len(result.retried), "by": actor.username})
        return result


class RecordedSweep:
    """The recovery sweep, with the time of its run recorded (the dashboard shows it).

    The worker's periodic task and the console both run the sweep through this.
    """

    def __init__(
        self, sweep: Callable[[], Callable[[], SweepReport]], runs: MaintenanceLog, clock: Clock
    ) -> None:
        self._sweep = sweep
        self._runs = runs
        self._clock = clock

    def __call__(self) -> SweepReport:
        report = self._sweep()()
        self._runs.record_run(SWEEP_RUN_NAME, self._clock.now(), report.as_dict())
        return report


class RunSweepNow:
    def __init__(self, sweep: Callable[[], SweepReport], audit: ActionAudit, clock: Clock) -> None:
        self._sweep = sweep
        self._audit = audit
        self._clock = clock

    def __call__(self, actor: Principal) -> SweepReport:
        report = self._sweep()
        self._audit.record(self._clock.now(), actor.username, "recover", None, report.as_dict())
        return report
