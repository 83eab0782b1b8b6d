"""NotifyMatch: tell the case desk that a creditor reply was matched and its claim written."""

from __future__ import annotations

import logging

from application.message_fields import field_lines
from application.ports import Message, Notifier, UnitOfWorkFactory
from domain.values import Outcome

log = logging.getLogger(__name__)


class NotifyMatch:
    """Best effort: a missing or failed notice never changes the job."""

    def __init__(self, uow_factory: UnitOfWorkFactory, notifier: Notifier, to: str) -> None:
        self._uow_factory = uow_factory
        self._notifier = notifier
        self._to = to

    def __call__(self, job_id: str) -> bool:
        with self._uow_factory() as uow:
            job = uow.jobs.get(job_id)
        if job is None or job.outcome is not Outcome.MATCHED or job.match is None:
            log.info("match_notice_skipped", extra={"job_id": job_id, "reason": "not matched"})
            return False
        if not self._to:
            log.info("match_notice_skipped", extra={"job_id": job_id, "reason": "no recipient"})
            return False
        extraction = job.extraction
        amount = extraction.claim_amount if extraction else None
        currency = extraction.currency if extraction else ""
        body = "\n".join(
            [
                "A creditor reply was matched automatically and its claim written.",
                "",
                *field_lines(
                    [
                        ("Job", job.id),
                        ("Ticket", job.ticket_id),
                        ("From", job.from_email),
                        ("Subject", job.subject),
                        ("Client", job.match.client_id),
                        ("Creditor", job.match.creditor_id),
                        ("Claim", f"{amount} {currency or ''}"),
                        ("Score", f"{job.match.score:.2f}"),
                    ]
                ),
            ]
        )
        sent = self._notifier.send(
            Message(self._to, f"[creditor-inbox] claim updated: ticket {job.ticket_id}", body)
        )
        log.info("match_notice_sent" if sent else "match_notice_skipped", extra={"job_id": job_id})
        return sent
