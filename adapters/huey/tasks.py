"""Every Huey task and periodic schedule of creditor-inbox, in one place.

Tasks carry only ids and call use cases resolved per run from `use_cases` (the container:
any object whose attributes named like the use cases return a fresh one when called).
Huey is at-most-once: a task held by a killed worker is gone. The job row in SQL is the
source of truth; the periodic recovery sweep re-hands lost work, and claiming is a
compare-and-set, so a duplicate message is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import Any, Protocol

import structlog
from huey import crontab
from huey.exceptions import TaskLockedException

from adapters.huey.memory import MemoryGuard
from domain.errors import PermanentError, TransientError
from domain.retry_policy import RetryPolicy

log = structlog.get_logger(__name__)

ALERT_RETRIES = 5
ALERT_RETRY_DELAY_S = 60
MATCH_NOTICE_RETRIES = 3

RECOVERY_SCHEDULE = crontab(minute="*")
MIRROR_PUSH_SCHEDULE = crontab(minute="*/5")
RECONCILIATION_SCHEDULE = crontab(minute="17")
# Checked every minute; PollZendesk itself runs only every ZENDESK_POLL_INTERVAL_SECONDS.
ZENDESK_POLL_SCHEDULE = crontab(minute="*")
WRITE_BACK_RETRIES = 5
WRITE_BACK_RETRY_DELAY_S = 120


class UseCases(Protocol):
    """What the tasks run; each attribute returns a fresh use case (container factories)."""

    process_email: Callable[[], Callable[[str], Any]]
    notify_permanent_failure: Callable[[], Callable[[str], Any]]
    notify_match: Callable[[], Callable[[str], Any]]
    recover_stalled_jobs: Callable[[], Callable[[], Any]]
    mirror_claims: Callable[[], Any]
    reconcile_mirror: Callable[[], Callable[[], Any]]
    write_back_to_zendesk: Callable[[], Callable[[str], Any]]
    poll_zendesk: Callable[[], Callable[[], Any]]


@contextmanager
def bound(**context):
    structlog.contextvars.bind_contextvars(**context)
    try:
        yield
    finally:
        structlog.contextvars.unbind_contextvars(*context)


class HueyTasks:
    """Declares the tasks on `huey` when built; the queue adapter enqueues through them.

    `mirror` False (no MONGODB_URL): no mirror task and no mirror schedules.
    """

    def __init__(
        self,
        huey,
        use_cases: UseCases,
        memory_guard: MemoryGuard,
        mirror: bool = False,
        retry_policy: RetryPolicy | None = None,
        zendesk_write_back: bool = False,
        zendesk_poll: bool = False,
    ) -> None:
        self.huey = huey

        # Huey's own retries stay off for processing: our RetryPolicy decides and schedules.
        @huey.task(name="process_email")
        def process_email(job_id: str) -> None:
            with bound(job_id=job_id, task="process_email"):
                try:
                    use_cases.process_email()(job_id)
                except Exception:  # noqa: BLE001 - the job stays for the sweep; say so, go on
                    log.exception(
                        "attempt_aborted",
                        recovery="the sweep re-queues the job when its lease expires",
                    )
                finally:
                    memory_guard.after_job()

        # A send error (NotificationError) is retried by Huey; it never changes the job.
        @huey.task(
            name="notify_permanent_failure", retries=ALERT_RETRIES, retry_delay=ALERT_RETRY_DELAY_S
        )
        def notify_permanent_failure(job_id: str) -> None:
            with bound(job_id=job_id, task="notify_permanent_failure"):
                use_cases.notify_permanent_failure()(job_id)

        @huey.task(
            name="notify_match", retries=MATCH_NOTICE_RETRIES, retry_delay=ALERT_RETRY_DELAY_S
        )
        def notify_match(job_id: str) -> None:
            with bound(job_id=job_id, task="notify_match"):
                use_cases.notify_match()(job_id)

        @huey.periodic_task(RECOVERY_SCHEDULE, name="recover_stalled_jobs")
        def recover_stalled_jobs() -> None:
            with bound(task="recover_stalled_jobs"):
                use_cases.recover_stalled_jobs()()

        self.process_email = process_email
        self.notify_permanent_failure = notify_permanent_failure
        self.notify_match = notify_match
        self.recover_stalled_jobs = recover_stalled_jobs
        self.mirror_claim = (
            self._declare_mirror_tasks(huey, use_cases, retry_policy or RetryPolicy())
            if mirror
            else None
        )
        self.write_back = self._declare_write_back(huey, use_cases) if zendesk_write_back else None
        self.poll_zendesk = self._declare_zendesk_poll(huey, use_cases) if zendesk_poll else None

    @staticmethod
    def _declare_write_back(huey, use_cases: UseCases):
        # A failure is retried by Huey a few times and then logged; the job stays completed.
        @huey.task(
            name="write_back_to_zendesk",
            retries=WRITE_BACK_RETRIES,
            retry_delay=WRITE_BACK_RETRY_DELAY_S,
        )
        def write_back_to_zendesk(job_id: str) -> None:
            with bound(job_id=job_id, task="write_back_to_zendesk"):
                try:
                    use_cases.write_back_to_zendesk()(job_id)
                except PermanentError:
                    # 401/403/404: no retry can fix it; say so once and leave the job alone.
                    log.exception("write_back_failed", retry=False)

        return write_back_to_zendesk

    @staticmethod
    def _declare_zendesk_poll(huey, use_cases: UseCases):
        @huey.periodic_task(ZENDESK_POLL_SCHEDULE, name="poll_zendesk")
        def poll_zendesk() -> None:
            with bound(task="poll_zendesk"):
                try:
                    # One poller at a time across every consumer (a run can outlast a minute).
                    with huey.lock_task("poll_zendesk"):
                        use_cases.poll_zendesk()()
                except TaskLockedException:
                    log.info("zendesk_poll_skipped", reason="another consumer is polling")

        return poll_zendesk

    @staticmethod
    def _declare_mirror_tasks(huey, use_cases: UseCases, policy: RetryPolicy):
        # A mirror outage is transient: Huey retries it, spaced by the shared backoff policy;
        # the periodic push catches whatever is still unmirrored after the last retry.
        @huey.task(name="mirror_claim", retries=policy.max_retries, context=True)
        def mirror_claim(idempotency_key: str, task=None) -> None:
            with bound(task="mirror_claim", idempotency_key=idempotency_key):
                try:
                    use_cases.mirror_claims()(idempotency_key)
                except TransientError:
                    if task is not None and task.retries:
                        retry_number = policy.max_retries - task.retries + 1
                        task.retry_delay = policy.backoff(retry_number).total_seconds()
                    raise

        @huey.periodic_task(MIRROR_PUSH_SCHEDULE, name="push_unmirrored_claims")
        def push_unmirrored_claims() -> None:
            with bound(task="push_unmirrored_claims"):
                use_cases.mirror_claims().push_pending()

        @huey.periodic_task(RECONCILIATION_SCHEDULE, name="reconcile_mirror")
        def reconcile_mirror() -> None:
            with bound(task="reconcile_mirror"):
                use_cases.reconcile_mirror()()

        return mirror_claim
