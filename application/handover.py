"""Hand-over of follow-up work to the task queue after a commit, shared by the use cases.

A queue failure here never undoes the committed state; the recovery sweep finds the job.
"""

from __future__ import annotations

import logging

from application.ports import QueueUnavailable, TaskQueue
from domain.events import (
    Event,
    JobCompleted,
    JobFailedPermanently,
    JobRetryScheduled,
    ReviewDecided,
)
from domain.values import Outcome

log = logging.getLogger(__name__)


def dispatch_events(queue: TaskQueue, events: list[Event]) -> None:
    """Act on the events of a committed job: schedule the retry, alert, notify, mirror."""
    for event in events:
        try:
            if isinstance(event, JobRetryScheduled):
                queue.enqueue_processing(event.job_id, eta=event.next_attempt_at)
            elif isinstance(event, JobFailedPermanently):
                queue.enqueue_failure_alert(event.job_id)
            elif isinstance(event, JobCompleted) and event.outcome is Outcome.MATCHED:
                queue.enqueue_match_notice(event.job_id)
            elif isinstance(event, ReviewDecided) and event.claim_key is not None:
                # A match decision booked a ledger row: mirror it, tell the case desk.
                queue.enqueue_mirror(event.claim_key)
                queue.enqueue_match_notice(event.job_id)
        except QueueUnavailable as exc:
            log.error(
                "queue_handover_failed",
                extra={
                    "job_id": event.job_id,
                    "event": type(event).__name__,
                    "error": str(exc),
                    "recovery": "sweep re-enqueues",
                },
            )
