"""Engine and session factory for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import contextvars
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker

from adapters.sqlalchemy import deadline

SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_BEGIN_OPTION = "sqlite_begin"
# connection.info: the transaction was begun at the driver level (driver_write.DriverWrite.hand_over).
BEGUN_AT_DRIVER = "begun_at_driver"
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
        if connection.info.pop(BEGUN_AT_DRIVER, False):
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
