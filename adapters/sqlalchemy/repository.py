"""The JobRepository and ClaimLedger ports on a SQLAlchemy session."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, cast, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from adapters.sqlalchemy.claim_read import read_for_claim
from adapters.sqlalchemy.job_writes import HeldJobs, Joined
from adapters.sqlalchemy.new_jobs import as_stored, insert_new_job
from adapters.sqlalchemy.orm import StoredEmailJob, claim_updates, creditors, email_jobs
from adapters.sqlalchemy.prebuilt import Prebuilt
from application.ports import ClaimLedger, JobRepository
from domain.model import EmailJob
from domain.values import ClaimUpdate, JobStatus


def with_history():
    """History is not loaded by default (orm.py: noload); views of one job ask for it."""
    return selectinload(StoredEmailJob.history)


class SqlJobRepository(JobRepository):
    def __init__(self, session: Session, held: HeldJobs | None = None) -> None:
        self._session = session
        # The unit of work's jobs written with prebuilt SQL: claimed and resumed jobs stay
        # outside the session (job_writes.py). None: they are attached to it.
        self._held = held

    def add(self, job: EmailJob) -> None:
        # Written at once with Core INSERTs (new_jobs.py); a duplicate raises here.
        insert_new_job(self._session, job)

    def get(self, job_id: str) -> EmailJob | None:
        return self._session.get(StoredEmailJob, job_id, options=[with_history()])

    def get_by_external_id(self, external_id: str) -> EmailJob | None:
        stmt = select(StoredEmailJob).where(email_jobs.c.external_id == external_id)
        return self._session.scalars(stmt.options(with_history())).first()

    def resume(self, job: EmailJob) -> None:
        # A detached job taken up as it is: no SELECT; its UPDATE carries the version it
        # was last committed with, so a change by anyone else since fails the commit.
        job = as_stored(job, self._session)  # a new job add() wrote as a plain object
        if self._held is None:
            self._session.add(job)
        else:
            self._held.hold(job)

    def get_by_zendesk_key(self, zendesk_key: str) -> EmailJob | None:
        stmt = select(StoredEmailJob).where(email_jobs.c.zendesk_key == zendesk_key)
        return self._session.scalars(stmt).first()

    def get_for_claim(self, job_id: str) -> EmailJob | None:
        # One prebuilt SELECT, FOR UPDATE SKIP LOCKED on PostgreSQL (SPEC §5.3); no history
        # and no review decisions read (claim_read.py).
        connection = self._held.connection() if self._held is not None else None
        return read_for_claim(self._session, job_id, connection)

    def expired_lease_ids(self, now: datetime, limit: int) -> list[str]:
        stmt = (
            select(email_jobs.c.id)
            .where(
                email_jobs.c.status == JobStatus.PROCESSING, email_jobs.c.lease_expires_at <= now
            )
            .order_by(email_jobs.c.lease_expires_at)
            .limit(limit)
        )
        return list(self._session.scalars(stmt))

    def unhanded_ids(self, older_than: datetime, limit: int) -> list[str]:
        # Two index-ordered reads instead of one sorted union, so LIMIT stops early even behind
        # a large backlog; received jobs first (they never reached the queue at all).
        received = (
            select(email_jobs.c.id)
            .where(email_jobs.c.status == JobStatus.RECEIVED, email_jobs.c.received_at < older_than)
            .order_by(email_jobs.c.received_at)
            .limit(limit)
        )
        ids = list(self._session.scalars(received))
        if len(ids) >= limit:
            return ids
        queued = (
            select(email_jobs.c.id)
            .where(
                email_jobs.c.status == JobStatus.QUEUED,
                or_(
                    email_jobs.c.next_attempt_at < older_than,
                    and_(
                        email_jobs.c.next_attempt_at.is_(None), email_jobs.c.queued_at < older_than
                    ),
                ),
            )
            .limit(limit - len(ids))
        )
        return ids + list(self._session.scalars(queued))

    def unalerted_failure_ids(self, older_than: datetime, limit: int) -> list[str]:
        stmt = (
            select(email_jobs.c.id)
            .where(
                email_jobs.c.status == JobStatus.FAILED,
                email_jobs.c.failure_notified_at.is_(None),
                email_jobs.c.updated_at < older_than,
            )
            .order_by(email_jobs.c.updated_at)
            .limit(limit)
        )
        return list(self._session.scalars(stmt))


class SqlClaimLedger(ClaimLedger):
    def __init__(self, session: Session, held: HeldJobs | None = None) -> None:
        self._session = session
        # The unit of work's jobs on prebuilt SQL (flushed first, and where its statements
        # run), else the session alone.
        self._held = held
        self._flush = held.flush if held is not None else session.flush

    def record(self, claim: ClaimUpdate) -> bool:
        if claim.source != "review":
            # PostgreSQL: the row and the directory claim in the job's own statement, written
            # only if the job's UPDATE found it (one round trip fewer a matched job).
            joined = self._in_the_jobs_statement(claim)
            if joined is not None:
                inserted, _ = joined
                return inserted == 1
        # The job row is flushed first: the ledger row references it.
        self._flush()
        # A review claim replaces the job's newest row, if any (append-only: it points at it).
        previous = None
        if claim.source == "review":
            previous = self._session.execute(
                select(claim_updates.c.id, claim_updates.c.client_id, claim_updates.c.creditor_id)
                .where(claim_updates.c.job_id == claim.job_id)
                .order_by(claim_updates.c.id.desc())
                .limit(1)
            ).first()
        row = _ledger_row(claim, previous.id if previous else None)
        # The unit of work's transaction: at the driver level while the session has begun
        # none (job_writes.HeldJobs.connection), else the session's.
        held = self._held
        connection = held.connection() if held is not None else self._session.connection()
        if connection.dialect.name == "postgresql" and previous is None:
            # One round trip: the directory's claim is set only if the row was written.
            row.update(self._directory_claim_values(claim))
            inserted, _ = (
                _ledger_insert_and_directory_claim(connection.dialect).run(connection, row).one()
            )
            return inserted == 1
        written = _ledger_insert(connection.dialect).run(connection, row).rowcount == 1
        if written:
            values = self._directory_claim_values(claim)
            _set_directory_claim_statement(connection.dialect).run(connection, values)
            if previous and (previous.client_id, previous.creditor_id) != (
                claim.client_id,
                claim.creditor_id,
            ):
                self._restore_directory_claim(previous.client_id, previous.creditor_id)
        return written

    def _in_the_jobs_statement(self, claim: ClaimUpdate) -> list | None:
        """The ledger row and directory claim as CTEs of the claim's job's prebuilt statement
        (job_writes.Joined), when the unit of work writes that job as one statement
        (PostgreSQL, its transition with one history entry): (rows inserted, creditors
        updated). None: not written so; the caller writes them with their own statement."""
        held = self._held
        if held is None or self._session.get_bind().dialect.name != "postgresql":
            return None
        values = {f"ledger_{column}": value for column, value in _ledger_row(claim).items()}
        values.update(self._directory_claim_values(claim))
        return held.flush(joined=Joined(claim.job_id, _ledger_ctes, 2, values))

    @staticmethod
    def _directory_claim_values(claim: ClaimUpdate) -> dict:
        return {
            "b_creditor_id": claim.creditor_id,
            "b_client_id": claim.client_id,
            "b_at": claim.created_at,
            "b_amount": claim.amount,
            "b_currency": claim.currency,
            "b_now": datetime.now(UTC),
        }

    def _restore_directory_claim(self, client_id: str, creditor_id: str) -> None:
        """The creditor a wrong claim was booked on shows its latest claim still in effect
        again (or none, when the wrong one was its only claim)."""
        latest = self._session.execute(
            select(claim_updates.c.amount, claim_updates.c.currency, claim_updates.c.created_at)
            .where(
                claim_updates.c.client_id == client_id,
                claim_updates.c.creditor_id == creditor_id,
                not_superseded(),
            )
            .order_by(claim_updates.c.created_at.desc(), claim_updates.c.id.desc())
            .limit(1)
        ).first()
        self._session.execute(
            update(creditors)
            .where(creditors.c.id == creditor_id, creditors.c.client_id == client_id)
            .values(
                claim_amount=latest.amount if latest else None,
                currency=latest.currency if latest else None,
                claim_updated_at=latest.created_at if latest else None,
                updated_at=datetime.now(UTC),
            )
        )


def _ledger_row(claim: ClaimUpdate, supersedes: int | None = None) -> dict:
    return {
        "job_id": claim.job_id,
        "client_id": claim.client_id,
        "creditor_id": claim.creditor_id,
        "amount": claim.amount,
        "currency": claim.currency,
        "idempotency_key": claim.idempotency_key,
        "created_at": claim.created_at,
        "source": claim.source,
        "decided_by": claim.decided_by,
        "supersedes": supersedes,
    }


def _ledger_ctes(updated) -> list:
    """job_writes.Joined.build of the ledger on PostgreSQL: the ledger row, inserted only if
    the job's UPDATE (`updated`) found its row and its idempotency key is new, and the
    directory creditor's claim, set only if the row was inserted (as
    _ledger_insert_and_directory_claim does on its own): (rows inserted, creditors updated).
    Each value is cast to its column's type (an INSERT … SELECT of parameters)."""
    row = select(
        *(
            cast(bindparam(f"ledger_{c}", type_=claim_updates.c[c].type), claim_updates.c[c].type)
            for c in _LEDGER_COLUMNS
        )
    ).where(exists(select(updated.c.id)))
    return _ledger_counts(postgresql.insert(claim_updates).from_select(list(_LEDGER_COLUMNS), row))


def _ledger_counts(insert) -> list:
    """PostgreSQL: the ledger row of `insert` (skipped when its idempotency key is known) and,
    only if it was written, the directory creditor's claim, as CTEs: [rows inserted, creditors
    updated] as scalar subqueries."""
    inserted = (
        insert.on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(claim_updates.c.id)
        .cte("inserted")
    )
    claimed = (
        _SET_DIRECTORY_CLAIM.where(exists(select(inserted.c.id)))
        .returning(creditors.c.id)
        .cte("claimed")
    )
    return [
        select(func.count()).select_from(inserted).scalar_subquery(),
        select(func.count()).select_from(claimed).scalar_subquery(),
    ]


# Built once per dialect and run as driver SQL (prebuilt.py): they run in every matched job's
# completion (building them per call, then executing them through the session, showed up in
# the worker's profile).
@functools.cache
def _ledger_insert(dialect) -> Prebuilt:
    insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
    statement = insert(claim_updates).values(dict.fromkeys(_LEDGER_COLUMNS))
    return Prebuilt.of(
        statement.on_conflict_do_nothing(index_elements=["idempotency_key"]), dialect
    )


_LEDGER_COLUMNS = (
    "job_id",
    "client_id",
    "creditor_id",
    "amount",
    "currency",
    "idempotency_key",
    "created_at",
    "source",
    "decided_by",
    "supersedes",
)


@functools.cache
def _set_directory_claim_statement(dialect) -> Prebuilt:
    return Prebuilt.of(_SET_DIRECTORY_CLAIM, dialect)


@functools.cache
def _ledger_insert_and_directory_claim(dialect) -> Prebuilt:
    """PostgreSQL: the ledger row and, only if it was written (not a repeat of the same
    idempotency key), the directory creditor's claim, in one statement:
    `SELECT <rows inserted>, <creditors updated>`."""
    insert = postgresql.insert(claim_updates).values(
        {c: bindparam(c, type_=claim_updates.c[c].type) for c in _LEDGER_COLUMNS}
    )
    return Prebuilt.of(select(*_ledger_counts(insert)), dialect)


_SET_DIRECTORY_CLAIM = (
    update(creditors)
    .where(
        creditors.c.id == bindparam("b_creditor_id"),
        creditors.c.client_id == bindparam("b_client_id"),
        or_(
            creditors.c.claim_updated_at.is_(None),
            creditors.c.claim_updated_at <= bindparam("b_at"),
        ),
    )
    .values(
        claim_amount=bindparam("b_amount"),
        currency=bindparam("b_currency"),
        claim_updated_at=bindparam("b_at"),
        updated_at=bindparam("b_now"),
    )
)


def not_superseded():
    """Rows no later row points at: the ones every reader (mirror, reconcile, audit) takes."""
    replacing = claim_updates.alias("replacing")
    return ~exists().where(replacing.c.supersedes == claim_updates.c.id)
