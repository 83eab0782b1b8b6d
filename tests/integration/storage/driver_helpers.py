"""Shared by the tests of the driver-level transactions (the intake's write_alone, the
worker's DriverWrite): the transactions SQLAlchemy begins, and this process's writers' lock."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from adapters.sqlalchemy import engine as engine_module


@contextmanager
def begins(engine):
    """The transactions SQLAlchemy begins on `engine` (its `begin` event: _on_begin's)."""
    seen: list[int] = []

    def begun(_connection):
        seen.append(1)

    event.listen(engine, "begin", begun)
    try:
        yield seen
    finally:
        event.remove(engine, "begin", begun)


def writers_lock_free(engine) -> bool:
    """No thread holds the engine's writers' lock (PostgreSQL engines have none)."""
    writers = engine_module._sqlite_writers.get(engine)
    return writers is None or not writers.locked()
