"""A new job written with prebuilt Core INSERTs instead of the ORM unit of work.

The webhook adds one job per request, and the ORM flush of that job and its first history row
(unit-of-work sort, attribute history, version counter, RETURNING bookkeeping) was about half of
the request's CPU. Nothing else changes: the domain builds the job and its history as before,
the rows go into the unit of work's own transaction (a duplicate fails right here, on the same
unique constraints), the counters get the same deltas the counting hook would have written, and
the job is then attached to the session as a clean persistent object, so the unit of work
collects its events after the commit and any later change (here or in another session) is an
ordinary versioned UPDATE.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from adapters.sqlalchemy import counters
from adapters.sqlalchemy.orm import email_jobs, job_history
from domain.model import EmailJob

_HISTORY_KEYS = ("job_id", "attempt", "at", "from_status", "to_status", "result", "error")


@dataclass(frozen=True)
class _DriverInsert:
    """One INSERT compiled once per dialect: the driver's SQL and each value's bind processor
    (the column types' own conversions), so a request pays for neither compiling nor
    SQLAlchemy's per-statement bookkeeping."""

    sql: str
    keys: tuple[str, ...]
    processors: tuple
    positional: bool

    @classmethod
    def of(cls, statement, table, dialect) -> _DriverInsert:
        compiled = statement.compile(dialect=dialect)
        keys = tuple(compiled.positiontup or compiled.params)
        types = {column.key: column.type for column in table.c}
        processors = tuple(types[key].dialect_impl(dialect).bind_processor(dialect) for key in keys)
        return cls(str(compiled), keys, processors, bool(compiled.positiontup))

    def parameters(self, values: dict):
        """The driver's parameters for `values` (column key → domain value)."""
        row = [
            value if process is None else process(value)
            for value, process in zip(map(values.get, self.keys), self.processors, strict=True)
        ]
        return tuple(row) if self.positional else dict(zip(self.keys, row, strict=True))


@functools.cache
def _statements(dialect) -> tuple[tuple[str, ...], int, _DriverInsert, _DriverInsert]:
    mapper = inspect(EmailJob)
    keys = tuple(mapper.get_property_by_column(column).key for column in email_jobs.c)
    history = insert(job_history).values({key: None for key in _HISTORY_KEYS})
    if dialect.name == "postgresql":
        history = history.returning(job_history.c.id)
    return (
        keys,
        mapper.version_id_generator(None),
        _DriverInsert.of(
            insert(email_jobs).values({key: None for key in keys}), email_jobs, dialect
        ),
        _DriverInsert.of(history, job_history, dialect),
    )


def insert_new_job(session: Session, job: EmailJob) -> None:
    """Write a new `job` and its history in the session's transaction and count it. A job
    that was stored before (detached) is attached as it is, like `Session.add`."""
    if not inspect(job).transient or job.decisions:
        # Not the intake's case (a job born with review decisions is neither): the ORM path.
        session.add(job)
        return
    dialect = session.get_bind().dialect
    keys, first_version, job_insert, history_insert = _statements(dialect)
    # Everything is converted before the transaction begins: on SQLite, BEGIN IMMEDIATE takes
    # the database's one write lock, which the other web workers wait for.
    values = job.__dict__
    job_row = job_insert.parameters(
        {**{key: values.get(key) for key in keys}, "version": first_version}
    )
    history_rows = [
        history_insert.parameters(
            {"job_id": job.id, **{k: getattr(entry, k) for k in _HISTORY_KEYS[1:]}}
        )
        for entry in job.history
    ]
    deltas = counters.Deltas.empty()
    counters.job_added(job, deltas)

    connection = session.connection()
    connection.exec_driver_sql(job_insert.sql, job_row)
    for entry, params in zip(job.history, history_rows, strict=True):
        result = connection.exec_driver_sql(history_insert.sql, params)
        entry.id = result.lastrowid if dialect.name == "sqlite" else result.scalar_one()
        entry.job_id = job.id
        make_transient_to_detached(entry)
    counters.apply_deltas(connection, deltas.nonzero())
    job.version = first_version
    make_transient_to_detached(job)
    # Persistent and clean: the commit has nothing left to flush for it.
    session.add(job)
