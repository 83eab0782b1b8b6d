"""ReceiveEmail: store an inbound email durably as a job; its JobQueued event hands it to the
queue after the commit (SPEC §5.1-2)."""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from application.ports import Clock, DuplicateJob, UnitOfWorkFactory
from domain.model import EmailJob
from domain.values import InboundEmail

log = logging.getLogger(__name__)


class Reception(enum.StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class ReceiveResult:
    status: Reception
    job_id: str
    handed_to_queue: bool


def new_job_id() -> str:
    return str(uuid.uuid4())


class ReceiveEmail:
    """Dedup by either key (external_id, zendesk_key; SPEC §10) and commit the job as queued;
    the commit publishes JobQueued.

    Raises StorageUnavailable when the database cannot take the write: nothing is stored
    and the caller answers 503. A queue failure after the commit loses nothing: the job is
    durable and the recovery sweep hands it over later.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        id_factory: Callable[[], str] = new_job_id,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._id_factory = id_factory

    def __call__(self, email: InboundEmail) -> ReceiveResult:
        external_id = email.external_id
        now = self._clock.now()
        with self._uow_factory() as uow:
            job = EmailJob(self._id_factory(), email, received_at=email.received_at)
            job.enqueue(now)
            try:
                uow.jobs.add(job)
                uow.commit()
            except DuplicateJob:
                # Seen before (a redelivery, or a concurrent one that won): the unique
                # constraint decides, so the common path needs no read before the insert.
                uow.rollback()
                winner = uow.jobs.get_duplicate_of(external_id, email.zendesk_key)
                return self._duplicate(winner.id if winner else "", external_id)
            handed = not uow.undelivered
        log.info(
            "job_received",
            extra={
                "job_id": job.id,
                "external_id": external_id,
                "ticket_id": email.ticket_id,
                "source": email.source.value,
            },
        )
        return ReceiveResult(Reception.ACCEPTED, job.id, handed)

    def _duplicate(self, job_id: str, external_id: str) -> ReceiveResult:
        log.info("duplicate_delivery", extra={"job_id": job_id, "external_id": external_id})
        return ReceiveResult(Reception.DUPLICATE, job_id, handed_to_queue=False)
