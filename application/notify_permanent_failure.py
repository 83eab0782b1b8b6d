"""NotifyPermanentFailure: tell a human, exactly once per failure, that a job gave up."""

from __future__ import annotations

import logging

from application.message_fields import field_lines
from application.ports import (
    Clock,
    ConcurrencyConflict,
    Message,
    Notifier,
    OperationalCounters,
    UnitOfWorkFactory,
)
from domain.model import EmailJob

log = logging.getLogger(__name__)


def failure_alert(job: EmailJob, to: str) -> Message:
    error = job.last_error
    lines = [
        "A creditor email could not be processed and needs a human.",
        "",
        *field_lines(
            [
                ("Job", job.id),
                ("Ticket", job.ticket_id),
                ("From", job.from_email),
                ("Subject", job.subject),
                ("Attempts", f"{job.attempts} (manual retries: {job.manual_retries})"),
                ("Error", f"{error.kind.value} {error.type}: {error.message}" if error else "-"),
            ]
        ),
        "",
        f"Retry it with: flask jobs retry {job.id}",
    ]
    return Message(
        to=to,
        subject=f"[creditor-inbox] job failed: ticket {job.ticket_id} ({job.id})",
        body="\n".join(lines),
    )


class NotifyPermanentFailure:
    """Send the alert only for a failed job not yet alerted, then record failure_notified_at.

    Returns True when an alert went out. A send error (NotificationError) propagates to the
    task, which retries it; it never changes the job's state.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        notifier: Notifier,
        clock: Clock,
        admin_email: str,
        counters: OperationalCounters | None = None,
    ) -> None:
        self._counters = counters
        self._uow_factory = uow_factory
        self._notifier = notifier
        self._clock = clock
        self._admin_email = admin_email

    def __call__(self, job_id: str) -> bool:
        with self._uow_factory() as uow:
            job = uow.jobs.get(job_id)
        if job is None or not job.needs_failure_alert:
            log.info(
                "failure_alert_skipped",
                extra={"job_id": job_id, "reason": "not failed or already alerted"},
            )
            return False
        if self._admin_email:
            sent = self._notifier.send(failure_alert(job, self._admin_email))
        else:
            sent = False
        if sent and self._counters is not None:
            self._counters.failure_alert_sent()
        if not sent:
            # Not configured (SMTP or ADMIN_EMAIL unset): logged as skipped. Recording it as
            # handled keeps the sweep from re-sending it every minute.
            log.warning(
                "failure_alert_skipped",
                extra={"job_id": job_id, "reason": "SMTP or ADMIN_EMAIL not configured"},
            )
        now = self._clock.now()
        with self._uow_factory() as uow:
            job = uow.jobs.get(job_id)
            if job is None or not job.needs_failure_alert:
                return sent
            job.mark_failure_notified(now)
            try:
                uow.commit()
            except ConcurrencyConflict:
                log.warning("failure_alert_mark_conflict", extra={"job_id": job_id})
                return sent
        if sent:
            log.info("failure_alert_sent", extra={"job_id": job_id, "to": self._admin_email})
        return sent
