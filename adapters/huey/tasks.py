"""The Huey task functions. They carry only ids and call use cases resolved per call.

Huey is at-most-once: a task held by a killed worker is gone. The job row in SQL is the
source of truth; the periodic recovery sweep re-hands lost work, and claiming is a
compare-and-set, so a duplicate message is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import structlog
from huey import crontab

from adapters.huey.memory import MemoryGuard
from domain.errors import TransientError
from domain.retry_policy import RetryPolicy

log = structlog.get_logger(__name__)

ALERT_RETRIES = 5
ALERT_RETRY_DELAY_S = 60


@dataclass
class TaskHandlers:
    """Callables returning a fresh use case (container factories), resolved at run time."""

    process_email: Callable[[], Callable[[str], object]]
    notify_permanent_failure: Callable[[], Callable[[str], object]]
    notify_match: Callable[[], Callable[[str], object]]
    recover_stalled_jobs: Callable[[], Callable[[], object]]
    mirror_claim: Callable[[], Callable[[str], object]] | None = None
    # The shared RetryPolicy paces mirror retries (exponential, capped, jittered).
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    # (name, crontab, callable returning a zero-argument use case) for more periodic tasks
    periodic: list[tuple[str, object, Callable[[], Callable[[], object]]]] = field(
        default_factory=list
    )


@dataclass
class WorkerTasks:
    process_email: object
    notify_permanent_failure: object
    notify_match: object
    recover_stalled_jobs: object
    mirror_claim: object | None


@contextmanager
def bound(**context):
    structlog.contextvars.bind_contextvars(**context)
    try:
        yield
    finally:
        structlog.contextvars.unbind_contextvars(*context)


def register_tasks(huey, handlers: TaskHandlers, memory_guard: MemoryGuard) -> WorkerTasks:
    # Huey's own retries stay off for processing: our RetryPolicy decides and schedules.
    @huey.task(name="process_email")
    def process_email(job_id: str) -> None:
        with bound(job_id=job_id, task="process_email"):
            rss_before = memory_guard.before_job()
            try:
                handlers.process_email()(job_id)
            except Exception:  # noqa: BLE001 - the job stays for the sweep; say so and go on
                log.exception(
                    "attempt_aborted", recovery="the sweep re-queues the job when its lease expires"
                )
            finally:
                memory_guard.after_job(rss_before)

    # A send error (NotificationError) is retried by Huey; it never changes the job.
    @huey.task(
        name="notify_permanent_failure", retries=ALERT_RETRIES, retry_delay=ALERT_RETRY_DELAY_S
    )
    def notify_permanent_failure(job_id: str) -> None:
        with bound(job_id=job_id, task="notify_permanent_failure"):
            handlers.notify_permanent_failure()(job_id)

    @huey.task(name="notify_match", retries=3, retry_delay=ALERT_RETRY_DELAY_S)
    def notify_match(job_id: str) -> None:
        with bound(job_id=job_id, task="notify_match"):
            handlers.notify_match()(job_id)

    @huey.periodic_task(crontab(minute="*"), name="recover_stalled_jobs")
    def recover_stalled_jobs() -> None:
        with bound(task="recover_stalled_jobs"):
            handlers.recover_stalled_jobs()()

    mirror_claim = None
    if handlers.mirror_claim is not None:
        mirror_handler = handlers.mirror_claim
        policy = handlers.retry_policy

        # A mirror outage is transient: Huey retries it, spaced by the shared backoff policy;
        # the periodic push catches whatever is still unmirrored after the last retry.
        @huey.task(name="mirror_claim", retries=policy.max_retries, context=True)
        def mirror_claim(idempotency_key: str, task=None) -> None:
            with bound(task="mirror_claim", idempotency_key=idempotency_key):
                try:
                    mirror_handler()(idempotency_key)
                except TransientError:
                    if task is not None and task.retries:
                        retry_number = policy.max_retries - task.retries + 1
                        task.retry_delay = policy.backoff(retry_number).total_seconds()
                    raise

    for name, schedule, factory in handlers.periodic:
        _register_periodic(huey, name, schedule, factory)

    return WorkerTasks(
        process_email, notify_permanent_failure, notify_match, recover_stalled_jobs, mirror_claim
    )


def _register_periodic(huey, name: str, schedule, factory) -> None:
    @huey.periodic_task(schedule, name=name)
    def periodic() -> None:
        with bound(task=name):
            factory()()
