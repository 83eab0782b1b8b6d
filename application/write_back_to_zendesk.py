"""WriteBackToZendesk: after a job completed, an internal note and a tag on its ticket.

Runs as its own task, after the job's commit: a failure here never changes the job. At
most once per job: `written_back_at` on the job, and the note's marker on the ticket for
the crash between the PUT and that commit.
"""

from __future__ import annotations

import logging

from application.dispatcher import EventDispatcher
from application.ports import Clock, ConcurrencyConflict, TaskQueue, UnitOfWorkFactory
from application.write_back_note import marker, write_back_note, write_back_tags
from application.zendesk_ports import ZendeskApi
from domain.events import JobCompleted
from domain.values import JobStatus

log = logging.getLogger(__name__)


class WriteBackToZendesk:
    def __init__(self, uow_factory: UnitOfWorkFactory, api: ZendeskApi, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._api = api
        self._clock = clock

    def __call__(self, job_id: str) -> bool:
        """True when a note was posted now; False when there was nothing (more) to do."""
        with self._uow_factory() as uow:
            job = uow.jobs.get(job_id)
        if job is None or job.status is not JobStatus.COMPLETED:
            log.info("write_back_skipped", extra={"job_id": job_id, "reason": "not completed"})
            return False
        if job.written_back_at is not None:
            log.info("write_back_skipped", extra={"job_id": job_id, "reason": "already written"})
            return False
        posted = False
        if self._already_on_ticket(job.ticket_id, job_id):
            log.info("write_back_found_on_ticket", extra={"job_id": job_id})
        else:
            self._api.add_internal_note(job.ticket_id, write_back_note(job), write_back_tags(job))
            posted = True
        self._mark(job_id)
        log.info(
            "written_back",
            extra={"job_id": job_id, "ticket_id": job.ticket_id, "tags": write_back_tags(job)},
        )
        return posted

    def _already_on_ticket(self, ticket_id: int, job_id: str) -> bool:
        tag = marker(job_id)
        return any(
            not c.public and tag in (c.plain_body or c.html_body)
            for c in self._api.list_comments(ticket_id)
        )

    def _mark(self, job_id: str) -> None:
        now = self._clock.now()
        with self._uow_factory() as uow:
            job = uow.jobs.get(job_id)
            if job is None or job.written_back_at is not None:
                return
            job.mark_written_back(now)
            try:
                uow.commit()
            except ConcurrencyConflict:
                # Another run marked it first; the marker on the ticket keeps it single.
                log.info("write_back_mark_conflict", extra={"job_id": job_id})


def register_write_back(dispatcher: EventDispatcher, queue: TaskQueue) -> EventDispatcher:
    """Every completed job gets its write-back task (ZENDESK_WRITE_BACK on)."""

    def write_back(event: JobCompleted) -> None:
        queue.enqueue_write_back(event.job_id)

    dispatcher.register(JobCompleted, write_back)
    return dispatcher
