"""In-memory fakes of every port, with the semantics of the real adapters that matter:

- a unit of work hands out copies and writes them back on commit only, checking the
  version it read (compare-and-set) and the unique external_id, like the SQL adapter;
- the queue records what was handed over and can be switched off;
- the notifier records messages and can be made to fail.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from application.mirror_ports import ClaimMirror, MirroredClaim
from application.pipeline_ports import ClientDirectory, EmailParser, Extractor, NameSimilarity
from application.ports import (
    ClaimLedger,
    Clock,
    ConcurrencyConflict,
    DuplicateJob,
    EventPublisher,
    JobPage,
    JobQueries,
    JobRepository,
    Message,
    MirrorUnavailable,
    Notifier,
    OperationalCounters,
    QueueUnavailable,
    StorageUnavailable,
    TaskQueue,
    UnitOfWork,
)
from domain.extraction import DirectoryEntry, Extraction
from domain.model import EmailJob
from domain.values import ClaimUpdate, JobStatus
from tests.fake_review import FakeDirectoryBook


class FakeClock(Clock):
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float = 0, **kwargs: float) -> datetime:
        self.current += timedelta(seconds=seconds, **kwargs)
        return self.current


@dataclass
class FakeDatabase:
    """The shared state several units of work commit to."""

    jobs: dict[str, EmailJob] = field(default_factory=dict)
    claims: dict[str, ClaimUpdate] = field(default_factory=dict)
    available: bool = True
    lock: threading.RLock = field(default_factory=threading.RLock)
    # job ids whose row is "locked" by another transaction (FOR UPDATE SKIP LOCKED skips them)
    locked: set[str] = field(default_factory=set)
    commits: int = 0
    # UnitOfWork.commit(durable=...) of every commit attempted, in order
    durable_commits: list[bool] = field(default_factory=list)
    # The SQL directory as the review sees it: (client_id, creditor_id) → DirectoryPair, and
    # the aliases reviewers taught it: (creditor_id, kind, value) → (job_id, by, at).
    directory_pairs: dict = field(default_factory=dict)
    aliases: dict = field(default_factory=dict)


class FakeJobRepository(JobRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db
        self.seen: dict[str, EmailJob] = {}
        self.read_versions: dict[str, int] = {}

    def _track(self, stored: EmailJob | None) -> EmailJob | None:
        if stored is None:
            return None
        if stored.id in self.seen:
            return self.seen[stored.id]
        job = copy.deepcopy(stored)
        job.events = []
        self.seen[job.id] = job
        self.read_versions[job.id] = stored.version
        return job

    def add(self, job: EmailJob) -> None:
        self.seen[job.id] = job
        self.read_versions[job.id] = -1  # new

    def get(self, job_id: str) -> EmailJob | None:
        with self._db.lock:
            return self._track(self._db.jobs.get(job_id))

    def get_by_external_id(self, external_id: str) -> EmailJob | None:
        with self._db.lock:
            for job in self._db.jobs.values():
                if job.external_id == external_id:
                    return self._track(job)
        return None

    def get_by_zendesk_key(self, zendesk_key: str) -> EmailJob | None:
        with self._db.lock:
            for job in self._db.jobs.values():
                if job.zendesk_key == zendesk_key:
                    return self._track(job)
        return None

    def get_for_claim(self, job_id: str) -> EmailJob | None:
        if job_id in self._db.locked:
            return None
        return self.get(job_id)

    def resume(self, job: EmailJob) -> None:
        self.seen[job.id] = job
        self.read_versions[job.id] = job.version

    def expired_lease_ids(self, now: datetime, limit: int) -> list[str]:
        with self._db.lock:
            return [j.id for j in self._db.jobs.values() if j.lease_expired(now)][:limit]

    def unhanded_ids(self, older_than: datetime, limit: int) -> list[str]:
        with self._db.lock:
            ids = []
            for job in self._db.jobs.values():
                if job.status is JobStatus.RECEIVED and job.received_at < older_than:
                    ids.append(job.id)
                elif job.status is JobStatus.QUEUED:
                    due = job.next_attempt_at or job.queued_at
                    if due is not None and due < older_than:
                        ids.append(job.id)
            return ids[:limit]

    def unalerted_failure_ids(self, older_than: datetime, limit: int) -> list[str]:
        with self._db.lock:
            return [
                j.id
                for j in self._db.jobs.values()
                if j.needs_failure_alert and j.updated_at < older_than
            ][:limit]


class FakeLedger(ClaimLedger):
    def __init__(self) -> None:
        self.pending: dict[str, ClaimUpdate] = {}

    def record(self, claim: ClaimUpdate) -> bool:
        if claim.idempotency_key in self.pending:
            return False
        self.pending[claim.idempotency_key] = claim
        return True


class FakeUnitOfWork(UnitOfWork):
    """Collects the new events of the jobs it has seen after commit, like the SQL one."""

    def __init__(self, db: FakeDatabase, publisher: EventPublisher | None = None) -> None:
        self.db = db
        self.publisher = publisher
        self.committed = False
        self.published: list = []

    def __enter__(self) -> FakeUnitOfWork:
        self.undelivered = []
        if not self.db.available:
            raise StorageUnavailable("fake database is down")
        self.jobs = FakeJobRepository(self.db)
        self.ledger = FakeLedger()
        self.directory = FakeDirectoryBook(self.db)
        return self

    def _seen_jobs(self):
        return list(self.jobs.seen.values())

    def collect_new_events(self):
        for event in super().collect_new_events():
            self.published.append(event)
            yield event

    def _commit(self, durable: bool = True) -> None:
        if not self.db.available:
            raise StorageUnavailable("fake database is down")
        self.db.durable_commits.append(durable)
        with self.db.lock:
            for job_id, job in self.jobs.seen.items():
                read_version = self.jobs.read_versions[job_id]
                stored = self.db.jobs.get(job_id)
                if read_version == -1:
                    if any(_same_key(j, job) for j in self.db.jobs.values()):
                        raise DuplicateJob(job.external_id)
                elif stored is None or stored.version != read_version:
                    raise ConcurrencyConflict(job_id)
            for key in self.ledger.pending:
                if key in self.db.claims:
                    raise ConcurrencyConflict(f"claim {key} exists")
            for job_id, job in self.jobs.seen.items():
                stored = self.db.jobs.get(job_id)
                if stored is not None and _same_state(stored, job):
                    continue
                job.version = (stored.version if stored else 0) + 1
                snapshot = copy.deepcopy(job)
                snapshot.events = []
                self.db.jobs[job_id] = snapshot
                self.jobs.read_versions[job_id] = job.version
            self.db.claims.update(self.ledger.pending)
            self.ledger.pending = {}
            self.directory.commit()
            self.db.commits += 1
        self.committed = True

    def rollback(self) -> None:
        if hasattr(self, "ledger"):
            self.ledger.pending = {}
            self.directory.pending = []


def _same_key(stored: EmailJob, new: EmailJob) -> bool:
    """Both unique keys of the SQL table: external_id, and zendesk_key when set."""
    if stored.external_id == new.external_id:
        return True
    return new.zendesk_key is not None and stored.zendesk_key == new.zendesk_key


def _same_state(stored: EmailJob, job: EmailJob) -> bool:
    left = {k: v for k, v in vars(stored).items() if k != "events"}
    right = {k: v for k, v in vars(job).items() if k != "events"}
    return left == right


class FakeJobQueries(JobQueries):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def list_jobs(self, status: JobStatus | None, limit: int, offset: int) -> JobPage:
        with self._db.lock:
            jobs = sorted(self._db.jobs.values(), key=lambda j: (j.received_at, j.id), reverse=True)
            counts = {s.value: 0 for s in JobStatus}
            for job in jobs:
                counts[job.status.value] += 1
            selected = [j for j in jobs if status is None or j.status is status]
            return JobPage(
                items=[copy.deepcopy(j) for j in selected[offset : offset + limit]],
                total=len(selected),
                limit=limit,
                offset=offset,
                status_counts=counts,
            )

    def get_job(self, job_id: str) -> EmailJob | None:
        job = self._db.jobs.get(job_id)
        return copy.deepcopy(job) if job else None

    def ids_by_status(self, status: JobStatus) -> list[str]:
        return [j.id for j in self._db.jobs.values() if j.status is status]

    def ping(self) -> None:
        if not self._db.available:
            raise StorageUnavailable("fake database is down")


@dataclass
class QueuedTask:
    name: str
    arg: str
    eta: datetime | None = None


class FakeQueue(TaskQueue):
    def __init__(self) -> None:
        self.tasks: list[QueuedTask] = []
        self.available = True
        # When set, the job ids the "queue" still holds (for the sweep's lost-message check).
        self.held: set[str] | None = None

    def _put(self, name: str, arg: str, eta: datetime | None = None) -> None:
        if not self.available:
            raise QueueUnavailable("fake queue is down")
        self.tasks.append(QueuedTask(name, arg, eta))

    def enqueue_processing(self, job_id: str, eta: datetime | None = None) -> None:
        self._put("process", job_id, eta)

    def enqueue_failure_alert(self, job_id: str) -> None:
        self._put("alert", job_id)

    def enqueue_match_notice(self, job_id: str) -> None:
        self._put("match_notice", job_id)

    def enqueue_write_back(self, job_id: str) -> None:
        self._put("write_back", job_id)

    def enqueue_mirror(self, idempotency_key: str) -> None:
        self._put("mirror", idempotency_key)

    def ping(self) -> None:
        if not self.available:
            raise QueueUnavailable("fake queue is down")

    def queued_job_ids(self) -> set[str] | None:
        """Messages not yet consumed (tests mark consumption by clearing `tasks`)."""
        return None if self.held is None else set(self.held)

    def named(self, name: str) -> list[QueuedTask]:
        return [t for t in self.tasks if t.name == name]


class FakeParser(EmailParser):
    def __init__(self) -> None:
        self.calls = 0

    def clean(self, body_html: str, body_text: str) -> str:
        self.calls += 1
        return (body_text or body_html).strip()


class FakeExtractor(Extractor):
    """Returns a fixed extraction, or raises the queued errors first (one per call)."""

    name = "fake"

    def __init__(self, result: Extraction | None = None) -> None:
        self.result = result or Extraction(is_creditor_reply=False, extractor="fake")
        self.errors: list[BaseException] = []
        self.calls = 0

    def extract(
        self,
        cleaned_body: str,
        subject: str,
        from_email: str,
        from_name: str | None,
        attachments: Sequence = (),
    ) -> Extraction:
        self.calls += 1
        self.attachments = list(attachments)
        if self.errors:
            raise self.errors.pop(0)
        return self.result


class FakeDirectory(ClientDirectory):
    def __init__(self, entries: Sequence[DirectoryEntry] = ()) -> None:
        self.entries = list(entries)
        self.errors: list[BaseException] = []
        self.calls = 0

    def candidates(self, extraction: Extraction, from_email: str) -> Sequence[DirectoryEntry]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return list(self.entries)


class ExactSimilarity(NameSimilarity):
    """1.0 for equal names (case-insensitive), else 0.0: deterministic for unit tests."""

    def __call__(self, left: str, right: str) -> float:
        return 1.0 if left.strip().lower() == right.strip().lower() else 0.0


class FakeNotifier(Notifier):
    def __init__(self, configured: bool = True) -> None:
        self.sent: list[Message] = []
        self.configured = configured
        self.errors: list[BaseException] = []

    def send(self, message: Message) -> bool:
        if self.errors:
            raise self.errors.pop(0)
        if not self.configured:
            return False
        self.sent.append(message)
        return True


class FakeMirror(ClaimMirror):
    """The portal as a dict (client_id, creditor_id) → MirroredClaim, with the real rules
    (`updated_at` is what the portal's claim_updated_at guard compares)."""

    def __init__(self) -> None:
        self.shown: dict[tuple[str, str], MirroredClaim] = {}
        self.updated_at: dict[tuple[str, str], datetime] = {}
        self.keys: set[str] = set()
        self.available = True

    def _check(self) -> None:
        if not self.available:
            raise MirrorUnavailable("fake mirror is down")

    def apply(self, claim: ClaimUpdate, idempotency_key: str) -> bool:
        self._check()
        shown_since = self.updated_at.get((claim.client_id, claim.creditor_id))
        fresh = idempotency_key not in self.keys
        self.keys.add(idempotency_key)
        if not fresh or (shown_since and shown_since > claim.created_at):
            return False
        self._show(claim)
        return True

    def current(self, client_id: str, creditor_id: str) -> MirroredClaim | None:
        self._check()
        return self.shown.get((client_id, creditor_id))

    def overwrite(self, claim: ClaimUpdate, idempotency_key: str) -> bool:
        self._check()
        self.keys.add(idempotency_key)
        self._show(claim)
        return True

    def _show(self, claim: ClaimUpdate) -> None:
        key = (claim.client_id, claim.creditor_id)
        self.shown[key] = MirroredClaim(claim.amount, claim.currency)
        self.updated_at[key] = claim.created_at


class FakeCounters(OperationalCounters):
    def __init__(self) -> None:
        self.alerts_sent = 0
        self.requeued = 0

    def failure_alert_sent(self) -> None:
        self.alerts_sent += 1

    def jobs_requeued(self, count: int) -> None:
        self.requeued += count
