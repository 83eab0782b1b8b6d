"""Builds the Huey instance: RedisHuey when REDIS_URL is set, else SQLite storage under var/."""

from __future__ import annotations

import logging
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from huey.storage import SqliteStorage
from redis import ConnectionPool

# Huey's blocking read waits up to 1 s: a socket timeout shorter than that silently drops
# the popped task, so keep it comfortably longer. Connecting fails fast (webhook answers).
REDIS_READ_TIMEOUT_S = 1
REDIS_SOCKET_TIMEOUT_S = 5
REDIS_CONNECT_TIMEOUT_S = 2


class _SqliteStorage(SqliteStorage):
    """synchronous=NORMAL under WAL, like the job database (engine.py), instead of Huey's
    default FULL: a commit no longer waits for an fsync, which was most of the webhook's
    wall time on SQLite. A hand-over survives a crash of any process; one lost to a power
    cut is found by the recovery sweep, as every lost hand-over is (SPEC §5)."""

    def _create_connection(self):
        connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


class _SqliteHuey(SqliteHuey):
    storage_class = _SqliteStorage


_REVOKE_KEY_PREFIX = "r:"  # huey.api.Task.revoke_id


class _WithoutRevocation:
    """A Huey that never revokes a task. Stock Huey reads a task's revocation keys from its
    storage before every run and deletes the task's key after it (a read and a write
    transaction on Huey's SQLite file, an HMGET and an HDEL on Redis: three of the five
    storage operations of a run). This application stops work through the job row, never
    through Huey (a task only carries a job id; a duplicate or unwanted run is a no-op of the
    compare-and-set claim), so it switches revocation off and refuses the revoke calls
    instead of letting them look as if they worked."""

    def is_revoked(self, task, timestamp=None, peek=True) -> bool:
        return False

    def delete(self, key):
        if key.startswith(_REVOKE_KEY_PREFIX):
            return False  # the key a finished run would clear: never written here
        return super().delete(key)  # type: ignore[misc]

    def _refuse(self, *args, **kwargs):
        raise NotImplementedError("task revocation is off (adapters/huey/app.py)")

    revoke = revoke_all = revoke_by_id = restore = restore_all = restore_by_id = _refuse


class _SqliteHueyWithoutRevocation(_WithoutRevocation, _SqliteHuey):
    pass


class _RedisHueyWithoutRevocation(_WithoutRevocation, RedisHuey):
    pass


def make_huey(name: str, redis_url: str | None, sqlite_path: str, revocation: bool = True):
    """`revocation` False: the application's own Huey (see _WithoutRevocation); True (the
    worker benchmark's floor): stock Huey."""
    if redis_url:
        pool = ConnectionPool.from_url(
            redis_url,
            socket_timeout=REDIS_SOCKET_TIMEOUT_S,
            socket_connect_timeout=REDIS_CONNECT_TIMEOUT_S,
            health_check_interval=30,
        )
        # results=False: job state lives in SQL; Redis would otherwise keep every result.
        return (RedisHuey if revocation else _RedisHueyWithoutRevocation)(
            name,
            results=False,
            utc=True,
            connection_pool=pool,
            blocking=True,
            read_timeout=REDIS_READ_TIMEOUT_S,
        )
    Path(sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    huey_class = _SqliteHuey if revocation else _SqliteHueyWithoutRevocation
    return huey_class(name, filename=sqlite_path, results=False, utc=True, timeout=5)


# Huey's INFO lines around every task run ('Executing %s', '%s executed in %0.3fs').
_TASK_RUN_LINES = frozenset({"Executing %s", "%s executed in %0.3fs"})


class TaskRunLinesFilter(logging.Filter):
    """Drops Huey's two INFO lines around each run of the named tasks: for process_email they
    repeat job_claimed and job_completed (which carry the job id and the timing), so a job
    logs one line per step. Other tasks and every warning or error stay."""

    def __init__(self, task_names: frozenset[str]) -> None:
        super().__init__()
        self._names = task_names

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg not in _TASK_RUN_LINES or not record.args:
            return True
        task = record.args[0] if isinstance(record.args, tuple) else None
        return getattr(task, "name", None) not in self._names
