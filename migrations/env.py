"""Alembic environment: DATABASE_URL (normalised like the app's) unless a URL is passed in."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from adapters.sqlalchemy.engine import make_engine
from adapters.sqlalchemy.orm import metadata
from entrypoints.settings import Settings, normalize_database_url

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    # Tests and tools pass the URL explicitly; the app's settings are the default.
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    if url:
        return normalize_database_url(url)
    return Settings.from_env().database_url


def configure(connection=None, url: str | None = None) -> None:
    is_sqlite = (url or database_url()).startswith("sqlite")
    context.configure(
        connection=connection,
        url=url,
        target_metadata=metadata,
        render_as_batch=is_sqlite,  # SQLite cannot ALTER most things: copy-and-move
        compare_type=True,
        literal_binds=url is not None,
    )


def run_migrations_offline() -> None:
    configure(url=database_url())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(database_url())
    try:
        with engine.connect() as connection:
            configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
