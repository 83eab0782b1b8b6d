"""Transactions kept at the driver level (the intake's new job on SQLite, the worker's claim
and completion on both databases): what a session's transaction does on this project's engines
(engine.py: a pooled connection, on SQLite this process's writers' lock and BEGIN IMMEDIATE),
without SQLAlchemy's session, connection, transaction and execution objects around each step.
Errors are raised as SQLAlchemy wraps them, so errors.translated reads them the same way."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from sqlalchemy import Engine
from sqlalchemy.engine import Connection, RootTransaction
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy import deadline
from adapters.sqlalchemy import engine as engine_module
from adapters.sqlalchemy.prebuilt import DriverResult, DriverTransaction
from adapters.sqlalchemy.prepared import forget_prepared, prepared_query


def _unobserved(engine: Engine) -> bool:
    """Nothing listens to the engine's statements or errors (tracing, tests counting
    statements): such listeners would not see the driver's calls, so those engines keep the
    ordinary SQLAlchemy transaction."""
    dispatch = engine.dispatch
    return not (
        dispatch.before_cursor_execute
        or dispatch.after_cursor_execute
        or engine.dialect.dispatch.handle_error
    )


def can_write_alone(engine: Engine) -> bool:
    """Whether `write_alone` may serve this engine: a SQLite engine of make_engine, unobserved."""
    return engine in engine_module._sqlite_writers and _unobserved(engine)


def can_drive(engine: Engine) -> bool:
    """Whether a unit of work may keep its transaction at the driver level (DriverWrite):
    a SQLite engine `can_write_alone` accepts, or an unobserved PostgreSQL one."""
    if engine in engine_module._sqlite_writers:
        return can_write_alone(engine)
    return engine.dialect.name == "postgresql" and _unobserved(engine)


def write_alone(engine: Engine, statements: Sequence[tuple[str, tuple]]) -> int | None:
    """Run `statements` (driver SQL and parameters) as one SQLite write transaction at the
    driver level (a DriverWrite of its own: the writers' lock, BEGIN IMMEDIATE, the statements,
    COMMIT). All or nothing: any failure rolls back; the writers' lock is released and the
    connection returned on every path; errors are raised as SQLAlchemy wraps them
    (errors.translated reads them the same way; a lost connection is invalidated). Returns the
    last statement's lastrowid. Only for an engine `can_write_alone` accepts."""
    assert engine in engine_module._sqlite_writers, "for SQLite engines of make_engine"
    transaction = DriverWrite(engine)
    try:
        result = None
        for statement, parameters in statements:
            result = transaction.run(statement, parameters)
        transaction.commit()
    except BaseException:
        transaction.rollback()
        raise
    return None if result is None else result.lastrowid


class DriverWrite(DriverTransaction):
    """One write transaction at the driver level, begun at its first statement: what a session's
    first statement on this engine does (a pooled connection, pinged at checkout on PostgreSQL;
    on SQLite the writers' lock of `_on_begin` waited for up to busy_timeout and BEGIN
    IMMEDIATE; on PostgreSQL BEGIN, sent in the first statement's query, see `_execute`),
    then statements on one DBAPI cursor (PostgreSQL:
    psycopg2's wait callback, deadline.py, serves each), then COMMIT, without SQLAlchemy's
    session, connection, transaction and execution objects around each step (SQLite: a Session
    transaction ~245 µs of CPU, this ~50). The unit of work's prebuilt statements run here (the
    claim, the completion) while its session has begun nothing; if the session then needs the
    database (an ORM read, a flush), the transaction is handed over to it (`hand_over`) and
    continues there, so the session commits or rolls back everything. Driver errors are raised
    as SQLAlchemy wraps them (errors.translated reads them the same way; a lost connection is
    invalidated). The writers' lock is released and the connection returned on every path
    (commit, rollback, a failed BEGIN, or by the session once handed over). Only for an engine
    `can_drive` accepts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        self._writers = engine_module._sqlite_writers.get(engine)
        self._connection = None
        self._cursor = None
        self._holds_lock = False
        self.handed_over = False
        # PostgreSQL: BEGIN is still to be sent, with the first statement (_execute).
        self._begin_pending = False

    @property
    def begun(self) -> bool:
        return self._connection is not None

    def _begin(self, pinged: bool = True) -> None:
        try:
            if pinged:
                self._connection = self.engine.raw_connection()
            else:
                with engine_module.unpinged_checkout():
                    self._connection = self.engine.raw_connection()
            self._cursor = self._connection.cursor()
            if self._writers is None:
                # psycopg2 would send BEGIN on its own, a round trip before the first
                # statement: in autocommit mode it sends nothing, and BEGIN goes with the
                # first statement (_execute); COMMIT and ROLLBACK are sent here too.
                self._connection.dbapi_connection.autocommit = True
                self._begin_pending = True
            else:
                timeout = engine_module.SQLITE_BUSY_TIMEOUT_MS / 1000
                self._holds_lock = self._writers.acquire(timeout=timeout)
                self._cursor.execute("BEGIN IMMEDIATE")
        except self.dialect.loaded_dbapi.Error as exc:
            wrapped = self._wrapped(exc, "BEGIN IMMEDIATE", ())
            self._finish()
            raise wrapped from exc
        except BaseException:
            self._finish()
            raise

    def run(
        self, sql: str, parameters, server_types: tuple[tuple[str, str], ...] = ()
    ) -> DriverResult:
        """`server_types` (PostgreSQL, a prebuilt statement's): run as a prepared statement
        (prepared.py), which the server neither parses nor plans again: about a third of its
        CPU for the worker's statements (the claim's and completion's CTEs) was planning.

        PostgreSQL: the pooled connection is not pinged at checkout (a round trip per
        transaction, two a job); if the server dropped it, the transaction's first statement
        fails (psycopg2's BEGIN first) before anything of it can have been committed, and is
        sent once more on a connection pinged as usual."""
        first = self._connection is None
        if first:
            self._begin(pinged=self._writers is not None)
        try:
            return self._execute(sql, parameters, server_types)
        except DBAPIError as exc:
            if not (
                first
                and self._writers is None
                and exc.connection_invalidated
                and not isinstance(exc.orig, deadline.DeadlineExceeded)  # a hung server
            ):
                raise
        self._finish()
        self._begin()
        return self._execute(sql, parameters, server_types)

    def _execute(self, sql: str, parameters, server_types) -> DriverResult:
        cursor = self._cursor
        query, prepared = sql, None
        if server_types and self._writers is None:
            query, prepared = prepared_query(self._connection.info, sql, server_types)
        if self._begin_pending:
            # One query: the server runs BEGIN, then the statement in its transaction; if the
            # statement fails, the transaction is left aborted (rolled back by `rollback`).
            query = "BEGIN; " + query
            self._begin_pending = False
        try:
            cursor.execute(query, parameters)
            rows = cursor.fetchall() if cursor.description is not None else None
        except self.dialect.loaded_dbapi.Error as exc:
            if prepared is not None:
                forget_prepared(self._connection.info)
            # The transaction stays open: the unit of work rolls it back.
            raise self._wrapped(exc, sql, parameters) from exc
        if prepared is not None:
            prepared()
        return DriverResult(rows, cursor.rowcount, cursor.lastrowid)

    def commit(self) -> None:
        """COMMIT, if begun and not handed over; on failure rolled back. Ends the transaction."""
        if self._connection is None:
            return
        try:
            if self._writers is None:
                self._cursor.execute("COMMIT")  # autocommit mode (_begin)
            else:
                self._connection.commit()
        except self.dialect.loaded_dbapi.Error as exc:
            wrapped = self._wrapped(exc, "COMMIT", ())
            self.rollback()
            raise wrapped from exc
        except BaseException:
            self.rollback()
            raise
        self._finish()

    def rollback(self) -> None:
        """Ends the transaction, if begun and not handed over, writing nothing."""
        if self._connection is None:
            return
        if self._writers is not None:
            with contextlib.suppress(Exception):  # an invalidated connection: nothing to undo
                self._connection.rollback()
        self._finish()  # PostgreSQL (autocommit mode, _begin): its ROLLBACK is _finish's

    def _in_server_transaction(self, raw) -> bool:
        """PostgreSQL: whether the server session of `raw` (a psycopg2 connection) is in a
        transaction block (libpq's status of the last answer, no round trip)."""
        status = raw.info.transaction_status
        extensions = self.dialect.loaded_dbapi.extensions
        return status in (
            extensions.TRANSACTION_STATUS_INTRANS,
            extensions.TRANSACTION_STATUS_INERROR,
        )

    def hand_over(self) -> tuple[Connection, RootTransaction]:
        """The open transaction as a SQLAlchemy Connection in its RootTransaction, for a
        session: its COMMIT or ROLLBACK releases the writers' lock (the engine's listeners),
        closing it returns the connection to the pool."""
        assert self._connection is not None and not self.handed_over
        if self._writers is None:
            # psycopg2 back in charge of the transaction: it sends its own BEGIN before the
            # session's first statement, which the server answers, in the open transaction,
            # with a warning ("already a transaction in progress") and nothing else; the
            # session's COMMIT or ROLLBACK then ends the whole transaction.
            self._connection.dbapi_connection.autocommit = False
        connection = Connection(self.engine, self._connection)
        if self._writers is not None:  # else psycopg2's BEGIN, and no begin listener
            connection.info["holds_writers_lock"] = self._holds_lock
            connection.info[engine_module.BEGUN_AT_DRIVER] = True
        with contextlib.suppress(self.dialect.loaded_dbapi.Error):
            self._cursor.close()
        self._connection = self._cursor = None
        self._holds_lock = False
        self.handed_over = True
        return connection, connection.begin()

    def _wrapped(self, exc: Exception, statement: str, parameters) -> DBAPIError:
        raw = self._connection
        lost = self.dialect.is_disconnect(
            exc, raw.dbapi_connection if raw is not None else None, self._cursor
        )
        if lost and raw is not None:
            raw.invalidate(exc)
        return DBAPIError.instance(
            statement,
            parameters,
            exc,
            self.dialect.loaded_dbapi.Error,
            hide_parameters=self.engine.hide_parameters,
            connection_invalidated=lost,
            dialect=self.dialect,
        )

    def _finish(self) -> None:
        connection, cursor = self._connection, self._cursor
        self._connection = self._cursor = None
        if cursor is not None:
            with contextlib.suppress(self.dialect.loaded_dbapi.Error):
                cursor.close()
        if self._holds_lock:
            self._holds_lock = False
            self._writers.release()
        if connection is not None:
            self._begin_pending = False
            raw = connection.dbapi_connection
            if self._writers is None and raw is not None and not raw.closed:
                with contextlib.suppress(self.dialect.loaded_dbapi.Error):
                    if self._in_server_transaction(raw):
                        raw.cursor().execute("ROLLBACK")  # never pooled inside a transaction
                    raw.autocommit = False
            connection.close()
