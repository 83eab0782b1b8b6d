"""NotifyMatch: tell the case desk that a creditor reply was matched and its claim written."""

from __future__ import annotations

import logging

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
        claim = job.booked_claim() if job is not None else None
        if job is None or job.outcome is not Outcome.MATCHED or claim is None:
            log.info("match_notice_skipped", extra={"job_id": job_id, "reason": "not matched"})
            return False
        if not self._to:
            log.info("match_notice_skipped", extra={"job_id": job_id, "reason": "no recipient"})
            return False
        decided_by = claim.get("decided_by")
        lines = [
            f"A reviewer ({decided_by}) matched a creditor reply and its claim was written."
            if decided_by
            else "A creditor reply was matched automatically and its claim written.",
            "",
            f"Job:       {job.id}",
            f"Ticket:    {job.ticket_id}",
            f"From:      {job.from_email}",
            f"Subject:   {job.subject}",
            f"Client:    {claim['client_id']}",
            f"Creditor:  {claim['creditor_id']}",
            f"Claim:     {claim['claim_amount']} {claim['currency']}",
        ]
        if decided_by:
            lines.append(f"Decided by: {decided_by}")
        elif job.match is not None:
            lines.append(f"Score:     {job.match.score:.2f}")
        sent = self._notifier.send(
            Message(
                self._to,
                f"[creditor-inbox] claim updated: ticket {job.ticket_id}",
                "\n".join(lines),
            )
        )
        log.info("match_notice_sent" if sent else "match_notice_skipped", extra={"job_id": job_id})
        return sent
