"""Ports: the abstract collaborators the use cases need. Adapters implement them.

Errors an adapter may raise across a port are the ones declared here (plus the domain's
TransientError / PermanentError); adapters translate their own exceptions at the boundary.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING

from domain.events import Event
from domain.model import EmailJob
from domain.values import ClaimUpdate, JobStatus

if TYPE_CHECKING:
    from application.review_ports import DirectoryBook


# -- errors crossing the ports ---------------------------------------------------------------
class PortError(Exception):
    """Base class of the errors adapters raise across a port."""


class DuplicateJob(PortError):
    """Commit refused: a job with this external_id exists (unique constraint)."""


class ConcurrencyConflict(PortError):
    """Commit refused: the row changed since it was read (stale version)."""


class StorageUnavailable(PortError):
    """The database cannot take the read or write right now."""


class QueueUnavailable(PortError):
    """The task queue refused the hand-over (e.g. Redis is down)."""


class NotificationError(PortError):
    """An email could not be sent."""


class MirrorUnavailable(PortError):
    """The MongoDB portal mirror cannot be reached."""


# -- time ------------------------------------------------------------------------------------
class Clock(abc.ABC):
    @abc.abstractmethod
    def now(self) -> datetime:
        """Timezone-aware UTC now."""


# -- persistence -----------------------------------------------------------------------------
class JobRepository(abc.ABC):
    """Collection-like access to EmailJob aggregates inside one unit of work."""

    @abc.abstractmethod
    def add(self, job: EmailJob) -> None: ...

    @abc.abstractmethod
    def get(self, job_id: str) -> EmailJob | None: ...

    @abc.abstractmethod
    def get_by_external_id(self, external_id: str) -> EmailJob | None: ...

    def get_by_zendesk_key(self, zendesk_key: str) -> EmailJob | None:
        """The job of this Zendesk comment (`zendesk:<ticket>:<comment>`), if any."""
        return None

    def get_duplicate_of(self, external_id: str, zendesk_key: str | None) -> EmailJob | None:
        """The job an email collided with on either dedup key (SPEC §10)."""
        job = self.get_by_external_id(external_id)
        if job is None and zendesk_key is not None:
            job = self.get_by_zendesk_key(zendesk_key)
        return job

    @abc.abstractmethod
    def get_for_claim(self, job_id: str) -> EmailJob | None:
        """Load a job to claim it. Returns None when the job is missing or another
        transaction holds its row lock (PostgreSQL: FOR UPDATE SKIP LOCKED). Its `history`
        holds only what is appended now (the stored entries are not read; use get() for a job
        shown with its history)."""

    @abc.abstractmethod
    def resume(self, job: EmailJob) -> None:
        """Take back a job this process loaded in an earlier unit of work, without reading it
        again: the commit succeeds only if nobody changed the job since this process last
        committed it (version compare-and-set; ConcurrencyConflict otherwise). What was not
        loaded then (stored history, review decisions) is not loaded now either."""

    @abc.abstractmethod
    def expired_lease_ids(self, now: datetime, limit: int) -> list[str]:
        """Ids of `processing` jobs whose lease ran out at or before `now`."""

    @abc.abstractmethod
    def unhanded_ids(self, older_than: datetime, limit: int) -> list[str]:
        """Ids of jobs that may have missed their queue hand-over: `received` before
        `older_than`, or `queued` and due (next_attempt_at, else queued_at) before it."""

    @abc.abstractmethod
    def unalerted_failure_ids(self, older_than: datetime, limit: int) -> list[str]:
        """Ids of `failed` jobs without failure_notified_at, failed before `older_than`."""


class ClaimLedger(abc.ABC):
    """The SQL ledger of claim amounts (`claim_updates`), the source of truth."""

    @abc.abstractmethod
    def record(self, claim: ClaimUpdate) -> bool:
        """Write the claim once per idempotency key and update the SQL directory's
        creditor claim. Returns False when the key was already written (no-op).
        A review claim supersedes the job's previous row (the ledger is append-only)."""


class EventPublisher(abc.ABC):
    """Where a unit of work sends the events of what it committed (application/dispatcher.py)."""

    @abc.abstractmethod
    def dispatch(self, events: Iterable[Event]) -> list[Event]:
        """Hand the events to their handlers; returns the ones that could not be delivered."""


class UnitOfWork(abc.ABC):
    """One database transaction. `with uow:` … `uow.commit()`; leaving without commit rolls back.

    commit() raises DuplicateJob, ConcurrencyConflict or StorageUnavailable. After a successful
    commit it collects the new events of every aggregate it has seen and hands them to its
    publisher (cosmicpython's collect_new_events): use cases never hand work over by hand.
    `undelivered` then holds the events a handler could not deliver (the sweep catches up).
    """

    jobs: JobRepository
    ledger: ClaimLedger
    directory: DirectoryBook
    publisher: EventPublisher | None = None
    undelivered: list[Event]

    def __enter__(self) -> UnitOfWork:
        self.undelivered = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self, *, durable: bool = True) -> None:
        """`durable` False: the storage may acknowledge this commit before it is on disk
        (PostgreSQL: synchronous_commit off for this transaction; SQLite commits are never
        flushed to disk before they return, so nothing changes there). The commit is visible
        at once and survives a crash of any application process; a crash of the database
        server within a fraction of a second can lose it. The log is flushed in order, so
        the next durable commit makes it durable too. Only for a commit whose loss the
        recovery sweep repairs, followed by nothing outside the database until the next
        durable commit (ProcessEmail's claim)."""
        self._commit(durable)
        events = list(self.collect_new_events())
        self.undelivered = self.publisher.dispatch(events) if self.publisher else []

    def collect_new_events(self) -> Iterator[Event]:
        for job in self._seen_jobs():
            yield from job.pull_events()

    @abc.abstractmethod
    def _seen_jobs(self) -> Iterable[EmailJob]:
        """Every job this unit of work loaded or added."""

    @abc.abstractmethod
    def _commit(self, durable: bool = True) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class OperationalCounters(abc.ABC):
    """Counts of things that are not a job transition, kept beside the job counts for the
    metrics (SPEC §11). Job transitions are counted by the storage itself, in their own
    transaction. Implementations never raise: a lost count must not fail the work it counts."""

    @abc.abstractmethod
    def failure_alert_sent(self) -> None: ...

    @abc.abstractmethod
    def jobs_requeued(self, count: int) -> None:
        """The recovery sweep handed `count` jobs to the queue again (their message was lost)."""


@dataclass(frozen=True)
class JobPage:
    items: list[EmailJob]
    total: int
    limit: int
    offset: int
    status_counts: dict[str, int]


class JobQueries(abc.ABC):
    """Read side for the API and CLI (lists and counts, not aggregates to change)."""

    @abc.abstractmethod
    def list_jobs(self, status: JobStatus | None, limit: int, offset: int) -> JobPage:
        """Newest first (received_at, then id); status_counts over all jobs."""

    @abc.abstractmethod
    def get_job(self, job_id: str) -> EmailJob | None: ...

    @abc.abstractmethod
    def ids_by_status(self, status: JobStatus) -> list[str]: ...

    @abc.abstractmethod
    def ping(self) -> None:
        """Raise StorageUnavailable if the database does not answer."""


# -- queue -----------------------------------------------------------------------------------
class TaskQueue(abc.ABC):
    """Hands work to the worker processes. Every method raises QueueUnavailable on failure.

    Messages carry only ids; a duplicate message must be harmless (claiming is a CAS).
    """

    @abc.abstractmethod
    def enqueue_processing(self, job_id: str, eta: datetime | None = None) -> None: ...

    @abc.abstractmethod
    def enqueue_failure_alert(self, job_id: str) -> None: ...

    @abc.abstractmethod
    def enqueue_match_notice(self, job_id: str) -> None: ...

    @abc.abstractmethod
    def enqueue_mirror(self, idempotency_key: str) -> None:
        """Push one ledger row to the portal mirror; a no-op where no mirror is configured."""

    @abc.abstractmethod
    def enqueue_write_back(self, job_id: str) -> None:
        """Post the Zendesk write-back of a completed job; a no-op where it is off."""

    def queued_job_ids(self) -> set[str] | None:
        """Job ids the queue holds a processing message for (pending or scheduled), so the
        sweep re-hands only jobs whose message was lost. None when the queue cannot tell."""
        return None

    @abc.abstractmethod
    def ping(self) -> None:
        """Raise QueueUnavailable if the queue's storage does not answer."""


# -- notifications (the portal mirror's ports: application/mirror_ports.py) -----------------
@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


class Notifier(abc.ABC):
    @abc.abstractmethod
    def send(self, message: Message) -> bool:
        """Send one email. False when sending is not configured (logged as skipped);
        NotificationError when it was configured and failed."""
