"""Shared integration fixtures: every test runs against SQLite (a file) and PostgreSQL for real.

Fixtures (stable names, used by every integration folder):
- `database_url`  the migrated URL, parametrised over ids "sqlite" and "postgresql"
- `engine`, `session_factory`, `uow_factory` (callable → new SqlAlchemyUnitOfWork whose
  committed events reach `queue`, a recording FakeQueue, through the real dispatcher)
- `backend`       "sqlite" | "postgresql"
- `fresh_database_url` a new, empty (unmigrated) database of the current backend
PostgreSQL: a uniquely named database per test session on TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test), dropped at the end. Tables are emptied after
each test. Unreachable PostgreSQL fails when REQUIRE_SERVICES=1 (CI), else skips.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from adapters.sqlalchemy.engine import make_engine, make_session_factory
from adapters.sqlalchemy.orm import metadata, start_mappers
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.dispatcher import queue_dispatcher
from entrypoints.settings import REPO_ROOT, normalize_database_url

POSTGRES_ADMIN_URL = normalize_database_url(
    os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
)
BACKENDS = ["sqlite", "postgresql"]


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1: a missing service is a failure)")
    pytest.skip(reason)


def alembic_config(url: str) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    config.attributes["database_url"] = url
    config.attributes["configure_logger"] = False
    return config


def migrate(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


class PostgresDatabases:
    """Creates and drops uniquely named databases on the shared server."""

    def __init__(self) -> None:
        self.created: list[str] = []
        self._admin: sa.Engine | None = None

    def admin(self) -> sa.Engine:
        if self._admin is None:
            engine = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
            try:
                with engine.connect() as conn:
                    conn.execute(sa.text("SELECT 1"))
            except sa.exc.OperationalError as exc:
                unavailable(f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable: {exc.orig}")
            self._admin = engine
        return self._admin

    def create(self) -> str:
        name = f"ci_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with self.admin().connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return (
            sa.engine.make_url(POSTGRES_ADMIN_URL)
            .set(database=name)
            .render_as_string(hide_password=False)
        )

    def drop_all(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as conn:
            for name in self.created:
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                    ),
                    {"n": name},
                )
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        self._admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


def _new_database(backend: str, postgres_databases: PostgresDatabases, tmp_path_factory) -> str:
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / f"{uuid.uuid4().hex[:8]}.sqlite3"
        return f"sqlite:///{path}"
    return postgres_databases.create()


@pytest.fixture
def fresh_database_url(backend, postgres_databases, tmp_path_factory) -> str:
    return _new_database(backend, postgres_databases, tmp_path_factory)


@pytest.fixture(scope="session")
def _migrated_url(backend, postgres_databases, tmp_path_factory) -> str:
    url = _new_database(backend, postgres_databases, tmp_path_factory)
    migrate(url)
    return url


@pytest.fixture(scope="session")
def _session_engine(_migrated_url) -> Iterator[sa.Engine]:
    start_mappers()
    engine = make_engine(_migrated_url)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(_migrated_url, _session_engine) -> Iterator[str]:
    yield _migrated_url
    _empty_tables(_session_engine)


@pytest.fixture
def engine(database_url, _session_engine) -> sa.Engine:
    return _session_engine


@pytest.fixture
def session_factory(engine):
    return make_session_factory(engine)


@pytest.fixture
def queue():
    from tests.fakes import FakeQueue

    return FakeQueue()


@pytest.fixture
def uow_factory(session_factory, queue):
    dispatcher = queue_dispatcher(queue)
    return lambda: SqlAlchemyUnitOfWork(session_factory, dispatcher)


def _empty_tables(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        # Tables other helpers add in later migrations (not in this metadata) are emptied too.
        inspector = sa.inspect(conn)
        known = {t.name for t in metadata.sorted_tables} | {"alembic_version"}
        for name in inspector.get_table_names():
            if name not in known:
                conn.execute(sa.text(f'DELETE FROM "{name}"'))
