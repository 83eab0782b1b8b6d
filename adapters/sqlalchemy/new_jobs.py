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
import re
from dataclasses import dataclass

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from adapters.sqlalchemy import counters
from adapters.sqlalchemy.orm import email_jobs, job_history
from domain.model import EmailJob

_INSERTED = "creditor_inbox.new_jobs"
_PYFORMAT = re.compile(r"%\((\w+)\)s")
_HISTORY_KEYS = ("job_id", "attempt", "at", "from_status", "to_status", "result", "error")


@dataclass(frozen=True)
class _DriverInsert:
    """One INSERT compiled once per dialect: the driver's SQL and each value's bind processor
    (the column types' own conversions), so a request pays for neither compiling nor
    SQLAlchemy's per-statement bookkeeping. Most columns of a new job are None: a processor
    that turns None into None (checked once, here) is not called for it."""

    sql: str
    keys: tuple[str, ...]
    processors: tuple
    none_as_is: tuple[bool, ...]
    positional: bool

    @classmethod
    def of(cls, statement, table, dialect) -> _DriverInsert:
        compiled = statement.compile(dialect=dialect)
        sql, keys = str(compiled), tuple(compiled.positiontup or compiled.params)
        if dialect.paramstyle == "pyformat":
            # psycopg2: %(name)s → %s, so that statements can be sent together (insert_new_job).
            keys = tuple(_PYFORMAT.findall(sql))
            sql = _PYFORMAT.sub("%s", sql)
            assert set(keys) == set(compiled.params), sql
        types = {column.key: column.type for column in table.c}
        processors = tuple(types[key].dialect_impl(dialect).bind_processor(dialect) for key in keys)
        none_as_is = tuple(process is None or process(None) is None for process in processors)
        positional = bool(compiled.positiontup) or dialect.paramstyle == "pyformat"
        return cls(sql, keys, processors, none_as_is, positional)

    def parameters(self, values: dict):
        """The driver's parameters for `values` (column key → domain value)."""
        row = [
            value if process is None or (value is None and as_is) else process(value)
            for value, process, as_is in zip(
                map(values.get, self.keys), self.processors, self.none_as_is, strict=True
            )
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
    if dialect.name == "postgresql" and len(history_rows) == 1:
        # The intake's case: job, counts and history row in one round trip (psycopg2 sends
        # the statements as one query; the result is the last one's, the history row's id).
        counts_sql, counts = _counter_upsert(dialect.name, deltas)
        result = connection.exec_driver_sql(
            "; ".join(filter(None, (job_insert.sql, counts_sql, history_insert.sql))),
            job_row + counts + history_rows[0],
        )
        _stored_history(job, job.history[0], result.scalar_one())
    else:
        connection.exec_driver_sql(job_insert.sql, job_row)
        for entry, params in zip(job.history, history_rows, strict=True):
            result = connection.exec_driver_sql(history_insert.sql, params)
            _stored_history(
                job, entry, result.lastrowid if dialect.name == "sqlite" else result.scalar_one()
            )
        counters.apply_deltas(connection, deltas.nonzero())
    job.version = first_version
    make_transient_to_detached(job)
    # Stored and clean, but not attached: Session.add (its cascade over the history) was a
    # tenth of add(), for an object the session has nothing to do with. The unit of work
    # collects its events from here and attaches it only if it changes again before the
    # commit (attach_changed_new_jobs), so a later change is still an ordinary UPDATE.
    session.info.setdefault(_INSERTED, []).append(job)


def _stored_history(job: EmailJob, entry, row_id: int) -> None:
    entry.id = row_id
    entry.job_id = job.id
    make_transient_to_detached(entry)


def _counter_upsert(dialect: str, deltas: counters.Deltas) -> tuple[str, tuple]:
    """counters.apply_deltas' statement and parameters, to be sent with the INSERTs."""
    rows = sorted(deltas.nonzero())
    if not rows:
        return "", ()
    shard = counters._shard()
    params = tuple(
        value
        for (name, label), count, total in rows
        for value in (name, label, shard, count, float(total))
    )
    return counters._upsert_sql(dialect, len(rows)), params


def new_jobs(session: Session) -> list[EmailJob]:
    """The jobs insert_new_job wrote in this session's transaction."""
    return session.info.get(_INSERTED, [])


def attach_changed_new_jobs(session: Session) -> None:
    """Before the commit: a new job changed after its INSERT is flushed like any other."""
    for job in new_jobs(session):
        if inspect(job).modified:
            session.add(job)


def forget_new_jobs(session: Session) -> None:
    """After a rollback: their rows are gone, and so are their events' grounds."""
    session.info.pop(_INSERTED, None)
