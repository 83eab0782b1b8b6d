"""A new job written with prebuilt Core INSERTs instead of the ORM unit of work.

The webhook adds one job per request, and the ORM flush of that job and its first history row
(unit-of-work sort, attribute history, version counter, RETURNING bookkeeping) was about half of
the request's CPU. Nothing else changes: the domain builds the job and its history as before,
the rows go into the unit of work's own transaction (a duplicate fails on the same unique
constraints, at add() or at the commit), the counters get the same deltas the counting hook
would have written, and the job is then made a clean persistent object, so the unit of work
collects its events after the commit and any later change (here or in another session) is an
ordinary versioned UPDATE.

When the new job's rows are all a unit of work writes (the intake), they are kept until the
commit and written without the session's transaction (commit_new_jobs_alone): PostgreSQL as
one autocommit query, SQLite as BEGIN IMMEDIATE, the INSERTs and COMMIT at the driver level
under the engine's writers' lock (driver_write.write_alone).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, make_transient_to_detached

from adapters.sqlalchemy import counters
from adapters.sqlalchemy.driver_write import can_write_alone, write_alone
from adapters.sqlalchemy.engine import unpinged_checkout
from adapters.sqlalchemy.orm import email_jobs, job_history
from adapters.sqlalchemy.prebuilt import execute
from adapters.sqlalchemy.prepared import run_prepared
from domain.model import EmailJob

_INSERTED = "creditor_inbox.new_jobs"
_STAGED = "creditor_inbox.new_jobs.staged"
_PYFORMAT = re.compile(r"%\((\w+)\)s")
_HISTORY_KEYS = ("job_id", "attempt", "at", "from_status", "to_status", "result", "error")


@dataclass(frozen=True)
class _DriverInsert:
    """One INSERT compiled once per dialect: the driver's SQL and each value's bind processor
    (the column types' own conversions), so a request pays for neither compiling nor
    SQLAlchemy's per-statement bookkeeping. Most columns of a new job are None: what a
    processor makes of None (None, or JSON's 'null') is worked out once, here."""

    sql: str
    keys: tuple[str, ...]
    processors: tuple
    none_values: tuple
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
        none_values = tuple(None if process is None else process(None) for process in processors)
        positional = bool(compiled.positiontup) or dialect.paramstyle == "pyformat"
        return cls(sql, keys, processors, none_values, positional)

    def parameters(self, values: dict):
        """The driver's parameters for `values` (column key → domain value)."""
        row = [
            none_value if value is None else value if process is None else process(value)
            for value, process, none_value in zip(
                map(values.get, self.keys), self.processors, self.none_values, strict=True
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
    that was stored before (detached) is attached as it is, like `Session.add`.

    When the unit of work has not touched the database yet (the intake's case), the rows are
    only prepared here and go with the commit (commit_new_jobs_alone)."""
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

    postgresql = dialect.name == "postgresql"
    if len(history_rows) == 1 and (postgresql or not session.in_transaction()):
        # The intake's case: job, counts and history row kept together (the history's last:
        # its id is the last result). PostgreSQL sends them as one query.
        counts_sql, counts = _counter_upsert(dialect.name, deltas)
        statements = ((job_insert.sql, job_row), (counts_sql, counts))
        write = _Staged(
            job, tuple(s for s in statements if s[0]) + ((history_insert.sql, history_rows[0]),)
        )
        if session.in_transaction():
            write.run(session.connection())
        else:
            # Nothing written yet: keep it for the commit, which then sends the whole
            # transaction at once; anything else the unit of work does first (a read, another
            # write) begins the transaction, and _write_staged puts these rows in it first.
            session.info.setdefault(_STAGED, []).append(write)
    else:
        connection = session.connection()
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


@dataclass(frozen=True)
class _Staged:
    """A new job's rows, not sent yet (PostgreSQL: as one query)."""

    job: EmailJob
    statements: tuple[tuple[str, tuple], ...]  # (driver SQL, parameters), the history's last

    def run(self, connection, prepared: bool = False) -> None:
        """In the connection's transaction (or, `prepared`, as its own PostgreSQL query)."""
        if connection.dialect.name == "sqlite":
            for sql, parameters in self.statements:
                result = execute(connection, sql, parameters)
            self.stored(result.lastrowid)
            return
        if prepared:
            result = run_prepared(connection, self.statements)
        else:
            result = connection.exec_driver_sql(
                "; ".join(sql for sql, _ in self.statements),
                tuple(value for _, parameters in self.statements for value in parameters),
            )
        self.stored(result.scalar_one())

    def stored(self, history_id: int) -> None:
        _stored_history(self.job, self.job.history[0], history_id)


def _write_staged(session: Session, _transaction, connection) -> None:
    """after_begin: the transaction's first statements are the rows add() kept back."""
    for write in session.info.pop(_STAGED, ()):
        write.run(connection)


def commit_new_jobs_alone(session: Session) -> bool:
    """At the commit: when one new job's rows are all the transaction holds (the session has
    not begun one: nothing was read, locked or flushed), write them without the session's
    transaction machinery. PostgreSQL: one autocommit query, which the server runs as one
    transaction, all or nothing, committed (and flushed to disk) before it answers — one
    round trip instead of BEGIN, INSERTs and COMMIT. SQLite: BEGIN IMMEDIATE, the INSERTs and
    COMMIT at the driver level on a pooled connection, under the engine's writers' lock
    (driver_write.write_alone). Returns False when the session's own commit must run (the staged
    rows, if any, are then written first in its transaction)."""
    staged = session.info.get(_STAGED)
    if not staged:
        return False
    engine = session.get_bind()
    sqlite = engine.dialect.name == "sqlite"
    if session.in_transaction() or len(staged) > 1 or (sqlite and not can_write_alone(engine)):
        session.connection()  # begins on a connection: _write_staged runs first
        return False
    (write,) = staged
    if sqlite:
        write.stored(write_alone(engine, write.statements))
        del session.info[_STAGED]
        return True
    try:
        # The pooled connection is not pinged first: if the server dropped it, the query
        # fails, and is sent again on a new connection unless the server had committed it
        # before the connection broke (the job's own row says which).
        with unpinged_checkout():
            _send_alone(engine, write)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        if not _committed_before(engine, write):
            _send_alone(engine, write)
    del session.info[_STAGED]
    return True


def _send_alone(engine, write: _Staged) -> None:
    with engine.connect() as connection:
        # psycopg2's autocommit switch, as SQLAlchemy's pre-ping flips it: no BEGIN is sent
        # (the AUTOCOMMIT isolation level would send a SET before and after).
        driver = connection.connection.dbapi_connection
        driver.autocommit = True
        try:
            write.run(connection, prepared=True)
        finally:
            if not driver.closed:
                driver.autocommit = False


def _committed_before(engine, write: _Staged) -> bool:
    """After a broken connection: did the server commit the query (all of it) before?"""
    with engine.connect() as connection:
        history_id = connection.scalar(
            select(job_history.c.id).where(job_history.c.job_id == write.job.id)
        )
    if history_id is None:
        return False
    write.stored(history_id)
    return True


def register_staging_hook() -> None:
    """Write staged rows first in any transaction a session begins (idempotent)."""
    if not event.contains(Session, "after_begin", _write_staged):
        event.listen(Session, "after_begin", _write_staged)


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


def has_staged_jobs(session: Session) -> bool:
    """Whether add() kept back rows not written yet."""
    return bool(session.info.get(_STAGED))


def new_jobs(session: Session) -> list[EmailJob]:
    """The jobs insert_new_job wrote in this session's transaction."""
    return session.info.get(_INSERTED, [])


def attach_changed_new_jobs(session: Session) -> None:
    """Before the commit: a new job changed after its INSERT is flushed like any other (its
    rows written first, if still staged: its history entry must be stored to be attached)."""
    changed = [job for job in new_jobs(session) if inspect(job).modified]
    if changed and session.info.get(_STAGED):
        session.connection()
    for job in changed:
        session.add(job)


def forget_new_jobs(session: Session) -> None:
    """After a rollback: their rows are gone (or were never sent), and so are their events'
    grounds."""
    session.info.pop(_INSERTED, None)
    session.info.pop(_STAGED, None)
