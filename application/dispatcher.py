"""The one event path: after a commit, the unit of work hands the new events to this dispatcher,
which runs the handlers registered for each event type (queue hand-over, notices, mirror).

A hand-over that fails never undoes the committed state: it is logged, reported back as
undelivered, and the recovery sweep hands the job over again later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from application.ports import EventPublisher, PortError, TaskQueue
from domain.events import (
    ClaimWritten,
    Event,
    JobCompleted,
    JobFailedPermanently,
    JobQueued,
    JobRetryScheduled,
    ReviewDecided,
)
from domain.values import Outcome

log = logging.getLogger(__name__)

Handler = Callable[[Event], None]


class EventDispatcher(EventPublisher):
    """Maps each event type to its handlers, in registration order."""

    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Handler]] = {}

    def register(self, event_type: type[Event], handler: Handler) -> None:
        self._handlers.setdefault(event_type, []).append(handler)

    def dispatch(self, events: Iterable[Event]) -> list[Event]:
        """Run every handler of every event; returns the events a handler could not deliver
        (a port error, logged). Any other exception is a bug and propagates."""
        undelivered: list[Event] = []
        for event in events:
            for handler in self._handlers.get(type(event), ()):
                try:
                    handler(event)
                except PortError as exc:
                    undelivered.append(event)
                    log.error(
                        "queue_handover_failed",
                        extra={
                            "job_id": event.job_id,
                            "event": type(event).__name__,
                            "error": str(exc),
                            "recovery": "the sweep hands it over again",
                        },
                    )
        return undelivered


def register_queue_handlers(
    dispatcher: EventDispatcher, queue: TaskQueue, match_notices: bool = True
) -> EventDispatcher:
    """The follow-up work every event needs, handed to the worker processes.

    `match_notices` False (no recipient configured): a matched job hands over no notice task,
    which would only load the job again to find there is no one to tell."""

    def process(event: JobQueued) -> None:
        queue.enqueue_processing(event.job_id, eta=event.eta)

    def process_later(event: JobRetryScheduled) -> None:
        queue.enqueue_processing(event.job_id, eta=event.next_attempt_at)

    def alert(event: JobFailedPermanently) -> None:
        queue.enqueue_failure_alert(event.job_id)

    def match_notice(event: JobCompleted) -> None:
        if event.outcome is Outcome.MATCHED:
            queue.enqueue_match_notice(event.job_id)

    def mirror(event: ClaimWritten) -> None:
        queue.enqueue_mirror(event.idempotency_key)

    def review_notice(event: ReviewDecided) -> None:
        # A reviewer's match booked a claim: the case desk hears of it like of an auto-match.
        if event.action == "match":
            queue.enqueue_match_notice(event.job_id)

    handlers: list[tuple[type[Event], Callable]] = [
        (JobQueued, process),
        (JobRetryScheduled, process_later),
        (JobFailedPermanently, alert),
        (ClaimWritten, mirror),
    ]
    if match_notices:
        handlers += [(JobCompleted, match_notice), (ReviewDecided, review_notice)]
    for event_type, handler in handlers:
        dispatcher.register(event_type, handler)
    return dispatcher


def queue_dispatcher(queue: TaskQueue, match_notices: bool = True) -> EventDispatcher:
    return register_queue_handlers(EventDispatcher(), queue, match_notices)
