"""Engine and session factory for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import contextlib
import contextvars
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, RootTransaction, make_url
from sqlalchemy.exc import DBAPIError, InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy import deadline
from adapters.sqlalchemy.prebuilt import DriverResult, DriverTransaction

SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_BEGIN_OPTION = "sqlite_begin"
# connection.info: the transaction was begun at the driver level (DriverWrite.hand_over).
_BEGUN_AT_DRIVER = "begun_at_driver"
# Zendesk gives up after ~12 s: intake must fail fast (503) rather than hang on a lock.
POSTGRES_CONNECT_TIMEOUT_S = 5
POSTGRES_LOCK_TIMEOUT_MS = 5000
POSTGRES_STATEMENT_TIMEOUT_MS = 10000
# A network cut: unacknowledged data or silent keepalives end the connection within ~10-60 s.
# (A frozen server still gets its packets acknowledged by the kernel: deadline.py handles it.)
POSTGRES_TCP_OPTIONS = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 10000,
}


def normalize_database_url(url: str) -> str:
    """PaaS hosts hand out postgres:// or postgresql:// without a driver; we ship psycopg2
    (SQLAlchemy 2.1 would pick psycopg 3 for a bare postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


def make_engine(database_url: str, **kwargs) -> Engine:
    """`hide_parameters`: a DBAPI error's text must not carry the SQL parameters (email
    bodies, addresses) into logs or last_error."""
    database_url = normalize_database_url(database_url)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(database_url, **kwargs)
    deadline.install()
    connect_args = {
        **POSTGRES_TCP_OPTIONS,
        "connect_timeout": POSTGRES_CONNECT_TIMEOUT_S,
        "options": f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS}"
        f" -c statement_timeout={POSTGRES_STATEMENT_TIMEOUT_MS}",
    }
    options = {
        # The pre-ping is ours (_ping_on_checkout), so that a caller that can retry on a dead
        # connection may skip it (unpinged_checkout).
        "pool_pre_ping": False,
        "pool_size": 5,
        "max_overflow": 5,
        "pool_timeout": 5,
        "hide_parameters": True,
    }
    options.update(kwargs)
    engine = create_engine(database_url, connect_args=connect_args, **options)
    if not options["pool_pre_ping"]:
        event.listen(engine, "checkout", _pinger(engine.dialect))
    return engine


_unpinged = contextvars.ContextVar("unpinged_checkout", default=False)


@contextmanager
def unpinged_checkout() -> Iterator[None]:
    """Connections checked out inside are not pinged first (one round trip less). Only for a
    caller that retries once on a dead connection (`connection_invalidated`), which it can do
    only where nothing can have been committed twice by the retry (new_jobs.py: the unique
    keys of a job)."""
    token = _unpinged.set(True)
    try:
        yield
    finally:
        _unpinged.reset(token)


def _pinger(dialect):
    def _ping_on_checkout(dbapi_connection, _record, _proxy) -> None:
        # SQLAlchemy's pool_pre_ping, as a checkout listener: a pooled connection the server
        # has dropped (a restart, an idle timeout) is replaced, and so is every connection
        # pooled before it (the pool retries the checkout on a new one).
        if _unpinged.get():
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise InvalidatePoolError(str(exc)) from exc
            raise

    return _ping_on_checkout


def _sqlite_engine(database_url: str, **kwargs) -> Engine:
    url = make_url(database_url)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    kwargs.setdefault("hide_parameters", True)
    engine = create_engine(
        database_url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        # Take over BEGIN from the driver (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    # Writers of this process queue on a lock of their own before BEGIN IMMEDIATE: SQLite's
    # busy handler sleeps in growing steps (up to 100 ms) while another thread holds the write
    # lock, which with three worker threads cost more than the writes themselves; a thread
    # waiting here wakes the moment the previous writer commits. Other processes still meet
    # SQLite's busy timeout.
    writers = threading.Lock()
    _sqlite_writers[engine] = writers

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # pragma: no cover
        if connection.info.pop(_BEGUN_AT_DRIVER, False):
            return  # BEGIN IMMEDIATE already run, the writers' lock taken (DriverWrite)
        # IMMEDIATE takes the write lock up front (waiting up to busy_timeout), so a
        # read-then-write transaction never fails half-way with "database is locked".
        # Read-only sessions (read_only() below) begin DEFERRED: under WAL they read a
        # snapshot and never wait for, or hold up, a writer.
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE")
        if mode == "IMMEDIATE" and writers.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            connection.info["holds_writers_lock"] = True
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
        except Exception:
            _release(connection)
            raise

    def _release(connection) -> None:
        if connection.info.pop("holds_writers_lock", False):
            writers.release()

    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)
    return engine


_sqlite_writers: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


def can_write_alone(engine: Engine) -> bool:
    """Whether `write_alone` may serve this engine: a SQLite engine of make_engine, with
    nothing listening to its statements or errors (tracing, tests counting statements: they
    would not see the driver's calls; such engines keep the ordinary transaction)."""
    dispatch = engine.dispatch
    return engine in _sqlite_writers and not (
        dispatch.before_cursor_execute
        or dispatch.after_cursor_execute
        or engine.dialect.dispatch.handle_error
    )


def can_drive(engine: Engine) -> bool:
    """Whether a unit of work may keep its transaction at the driver level (DriverWrite):
    a SQLite engine `can_write_alone` accepts, or a PostgreSQL one with nothing listening to
    its statements or errors."""
    if engine in _sqlite_writers:
        return can_write_alone(engine)
    dispatch = engine.dispatch
    return engine.dialect.name == "postgresql" and not (
        dispatch.before_cursor_execute
        or dispatch.after_cursor_execute
        or engine.dialect.dispatch.handle_error
    )


def write_alone(engine: Engine, statements: Sequence[tuple[str, tuple]]) -> int | None:
    """Run `statements` (driver SQL and parameters) as one SQLite write transaction at the
    driver level (a DriverWrite of its own: the writers' lock, BEGIN IMMEDIATE, the statements,
    COMMIT). All or nothing: any failure rolls back; the writers' lock is released and the
    connection returned on every path; errors are raised as SQLAlchemy wraps them
    (errors.translated reads them the same way; a lost connection is invalidated). Returns the
    last statement's lastrowid. Only for an engine `can_write_alone` accepts."""
    assert engine in _sqlite_writers, "write_alone serves SQLite engines of make_engine"
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
    """One write transaction at the driver level, begun at its first statement: what a
    session's first statement on this engine does (a pooled connection, pinged at checkout on
    PostgreSQL; on SQLite the writers' lock of `_on_begin` waited for up to busy_timeout and
    BEGIN IMMEDIATE; psycopg2 sends BEGIN itself), then statements on one DBAPI cursor
    (PostgreSQL: psycopg2's wait callback, deadline.py, serves each), then COMMIT, without SQLAlchemy's session, connection, transaction and execution
    objects around each step (SQLite: a Session transaction ~245 µs of CPU, this ~50). The unit of
    work's prebuilt statements run here (the claim, the completion) while its session has
    begun nothing; if the session then needs the database (an ORM read, a flush), the
    transaction is handed over to it (`hand_over`) and continues there, so the session
    commits or rolls back everything. Driver errors are raised as SQLAlchemy wraps them
    (errors.translated reads them the same way; a lost connection is invalidated). The
    writers' lock is released and the connection returned on every path (commit, rollback,
    a failed BEGIN, or by the session once handed over). Only for an engine `can_drive`
    accepts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        self._writers = _sqlite_writers.get(engine)
        self._connection = None
        self._cursor = None
        self._holds_lock = False
        self.handed_over = False

    @property
    def begun(self) -> bool:
        return self._connection is not None

    def _begin(self) -> None:
        try:
            self._connection = self.engine.raw_connection()
            self._cursor = self._connection.cursor()
            if self._writers is not None:
                self._holds_lock = self._writers.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
                self._cursor.execute("BEGIN IMMEDIATE")
        except self.dialect.loaded_dbapi.Error as exc:
            wrapped = self._wrapped(exc, "BEGIN IMMEDIATE", ())
            self._finish()
            raise wrapped from exc
        except BaseException:
            self._finish()
            raise

    def run(self, sql: str, parameters) -> DriverResult:
        if self._connection is None:
            self._begin()
        cursor = self._cursor
        try:
            cursor.execute(sql, parameters)
            rows = cursor.fetchall() if cursor.description is not None else None
        except self.dialect.loaded_dbapi.Error as exc:
            # The transaction stays open: the unit of work rolls it back.
            raise self._wrapped(exc, sql, parameters) from exc
        return DriverResult(rows, cursor.rowcount, cursor.lastrowid)

    def commit(self) -> None:
        """COMMIT, if begun and not handed over; on failure rolled back. Ends the transaction."""
        if self._connection is None:
            return
        try:
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
        with contextlib.suppress(Exception):  # an invalidated connection: nothing to undo
            self._connection.rollback()
        self._finish()

    def hand_over(self) -> tuple[Connection, RootTransaction]:
        """The open transaction as a SQLAlchemy Connection in its RootTransaction, for a
        session: its COMMIT or ROLLBACK releases the writers' lock (the engine's listeners),
        closing it returns the connection to the pool."""
        assert self._connection is not None and not self.handed_over
        connection = Connection(self.engine, self._connection)
        if self._writers is not None:  # else psycopg2's BEGIN, and no begin listener
            connection.info["holds_writers_lock"] = self._holds_lock
            connection.info[_BEGUN_AT_DRIVER] = True
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
            connection.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit/close: use cases return jobs to the API.
    return sessionmaker(engine, expire_on_commit=False)


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reads only (lists, counts, pings, scrapes): on SQLite they begin DEFERRED,
    so a jobs list polled several times a second never takes the write lock the worker needs."""
    return sessionmaker(
        engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"}), expire_on_commit=False
    )


def read_only(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """The same sessions for reads only (see make_read_session_factory)."""
    return make_read_session_factory(session_factory.kw["bind"])
