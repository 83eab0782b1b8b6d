"""The TaskQueue port on Huey: enqueue ids (with an ETA for retries), translate outages."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import structlog
from redis.exceptions import RedisError

from adapters.huey.tasks import HueyTasks
from application.ports import QueueUnavailable, TaskQueue

log = structlog.get_logger(__name__)
_OUTAGES = (RedisError, sqlite3.Error, OSError)


class HueyTaskQueue(TaskQueue):
    """Enqueues through the declared tasks; it knows no use case."""

    def __init__(self, tasks: HueyTasks) -> None:
        self.huey = tasks.huey
        self.tasks = tasks

    def enqueue_processing(self, job_id: str, eta: datetime | None = None) -> None:
        if eta is None:
            self._call(self.tasks.process_email, job_id)
        else:
            # Huey (utc=True) converts the aware ETA to its naive UTC clock.
            self._call(self.tasks.process_email.schedule, args=(job_id,), eta=eta)

    def enqueue_failure_alert(self, job_id: str) -> None:
        self._call(self.tasks.notify_permanent_failure, job_id)

    def enqueue_match_notice(self, job_id: str) -> None:
        self._call(self.tasks.notify_match, job_id)

    def enqueue_mirror(self, idempotency_key: str) -> None:
        if self.tasks.mirror_claim is None:
            return  # no portal mirror configured
        self._call(self.tasks.mirror_claim, idempotency_key)

    def queued_job_ids(self) -> set[str] | None:
        """Reads the whole pending list and schedule: O(queue length), once per sweep."""
        name = self.tasks.process_email.name
        held: set[str] = set()
        for task in self._call(self.huey.pending) + self._call(self.huey.scheduled):
            if task.name == name and task.args:
                held.add(task.args[0])
        return held

    def ping(self) -> None:
        self._call(self.huey.pending_count)

    @staticmethod
    def _call(function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except _OUTAGES as exc:
            raise QueueUnavailable(f"{type(exc).__name__}: {exc}") from exc
