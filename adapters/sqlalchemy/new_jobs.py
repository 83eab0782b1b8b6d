"""A new job written with prebuilt Core INSERTs instead of the ORM unit of work.

The webhook adds one job per request, and the ORM flush of that job and its first history row
(unit-of-work sort, attribute history, version counter, RETURNING bookkeeping) was about half of
the request's CPU. Nothing else changes: the domain builds the job and its history as before,
the rows go into the unit of work's own transaction (a duplicate fails on the same unique
constraints, at add() or at the commit), the counters get the same deltas the counting hook
would have written, and the unit of work collects the job's events after the commit.

The job stays the plain domain object the use case built (orm.py: only StoredEmailJob is
mapped); add() remembers what it wrote. Should a session have to track it after all (it
changed again before the commit, or a later unit of work resumes it), as_stored makes it a
StoredEmailJob in place — the caller's object itself, no copy to drift apart — stored as
written, with what changed since as pending changes: an ordinary versioned UPDATE follows.

When the new job's rows are all a unit of work writes (the intake), they are kept until the
commit and written without the session's transaction (commit_new_jobs_alone): PostgreSQL as
one autocommit query, SQLite as BEGIN IMMEDIATE, the INSERTs and COMMIT at the driver level
under the engine's writers' lock (driver_write.write_alone).
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.instrumentation import manager_of_class

from adapters.sqlalchemy import counters
from adapters.sqlalchemy.driver_write import can_write_alone, write_alone
from adapters.sqlalchemy.engine import unpinged_checkout
from adapters.sqlalchemy.orm import (
    StoredEmailJob,
    as_stored_entry,
    email_jobs,
    job_column_keys,
    job_history,
)
from adapters.sqlalchemy.prebuilt import execute
from adapters.sqlalchemy.prepared import run_prepared
from domain.history import HistoryEntry
from domain.model import EmailJob

_INSERTED = "creditor_inbox.new_jobs"
_STAGED = "creditor_inbox.new_jobs.staged"
# In a plain job's __dict__ once add() wrote it (as SQLAlchemy keeps its instance state there):
# _Written, what its rows hold.
_WRITTEN = "_creditor_inbox_written"
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
def _column_values():
    """The values of job_column_keys() from a job's __dict__, as a tuple (one C call)."""
    return operator.itemgetter(*job_column_keys())


@functools.cache
def _statements(dialect) -> tuple[tuple[str, ...], int, _DriverInsert, _DriverInsert]:
    mapper = inspect(StoredEmailJob)
    keys = job_column_keys()
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
    that was stored before is attached as it is, like `Session.add`.

    When the unit of work has not touched the database yet (the intake's case), the rows are
    only prepared here and go with the commit (commit_new_jobs_alone)."""
    if type(job) is not EmailJob or _WRITTEN in job.__dict__ or job.decisions:
        # Not the intake's case (a job loaded or written before, or born with review
        # decisions): the ORM path.
        session.add(as_stored(job, session))
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
    job.__dict__[_WRITTEN] = _Written.of(job)
    # Written, and left a plain object outside the session: the unit of work collects its
    # events from here and makes it a StoredEmailJob in the session only if it changes again
    # before the commit (attach_changed_new_jobs), so a later change is still an UPDATE.
    session.info.setdefault(_INSERTED, []).append(job)


@dataclass(frozen=True)
class _Written:
    """What add() wrote of a plain job: its column values (job_column_keys' order), its history
    list and how many entries of it, its review decisions list (empty)."""

    values: tuple
    history: list
    entries: int
    decisions: list

    @classmethod
    def of(cls, job: EmailJob) -> _Written:
        values = job.__dict__
        history = values["history"]
        return cls(_column_values()(values), history, len(history), values["decisions"])

    def changed(self, job: EmailJob) -> bool:
        """Whether `job` changed since (the domain appends to its lists, never replaces)."""
        values = job.__dict__
        history, decisions = values["history"], values["decisions"]
        return (
            history is not self.history
            or len(history) != self.entries
            or decisions is not self.decisions
            or bool(decisions)
            or any(map(operator.is_not, _column_values()(values), self.values))
        )


def as_stored(job: EmailJob, session: Session | None = None) -> EmailJob:
    """`job` itself as a StoredEmailJob, which a session can track: unchanged if it is one
    already. A plain job add() wrote becomes a detached one, stored as written (its history's
    written entries included), with what changed since as pending changes (the columns, the
    entries appended, review decisions): the session writes those as a versioned UPDATE. A
    plain job never written becomes a new (transient) one, whose flush inserts it.
    `session`: the unit of work's, whose staged rows of `job` are written first (its written
    entries need their rows' ids)."""
    if type(job) is not EmailJob:
        return job
    if session is not None and any(w.job is job for w in session.info.get(_STAGED, ())):
        session.connection()  # _write_staged
    values = job.__dict__
    written: _Written | None = values.pop(_WRITTEN, None)
    history, decisions = values.pop("history"), values.pop("decisions")
    # Same layout (a subclass without slots of its own): the object keeps its identity, so
    # the caller's job and the stored one cannot drift apart.
    job.__class__ = StoredEmailJob
    manager_of_class(StoredEmailJob).setup_instance(job)
    if written is None:
        job.history, job.decisions = history, decisions  # pending, inserted with the job
        return job
    changed = {
        key: value
        for key, value, before in zip(
            job_column_keys(), _column_values()(values), written.values, strict=True
        )
        if value is not before
    }
    values.update(zip(job_column_keys(), written.values, strict=True))
    entries = history[: written.entries]
    for entry in entries:
        if type(entry) is HistoryEntry:
            as_stored_entry(entry)
            make_transient_to_detached(entry)  # its id: _stored_history
    set_committed_value(job, "history", entries)
    set_committed_value(job, "decisions", [])
    make_transient_to_detached(job)
    for key, value in changed.items():
        setattr(job, key, value)
    job.history.extend(history[written.entries :])
    job.decisions.extend(decisions)
    return job


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


def _stored_history(job: EmailJob, entry: HistoryEntry, row_id: int) -> None:
    # Plain attributes of a plain entry (as_stored makes it a stored one if need be).
    entry.id = row_id  # type: ignore[attr-defined]
    entry.job_id = job.id  # type: ignore[attr-defined]


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
    changed = [job for job in new_jobs(session) if _changed(job)]
    if changed and session.info.get(_STAGED):
        session.connection()
    for job in changed:
        session.add(as_stored(job))


def _changed(job: EmailJob) -> bool:
    written = job.__dict__.get(_WRITTEN)
    if written is not None:
        return written.changed(job)
    return type(job) is not EmailJob and inspect(job).modified


def forget_new_jobs(session: Session) -> None:
    """After a rollback: their rows are gone (or were never sent), and so are their events'
    grounds."""
    for job in session.info.pop(_INSERTED, ()):
        job.__dict__.pop(_WRITTEN, None)  # not written after all
    session.info.pop(_STAGED, None)
