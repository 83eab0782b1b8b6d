"""The worker benchmark's floor: a bare Huey task doing the same number of commits as one job.

`huey_consumer benchmarks.bare_worker.huey`; DATABASE_URL / REDIS_URL / HUEY_* from the env.
"""

from __future__ import annotations

import os

import sqlalchemy as sa

from adapters.huey.app import make_huey
from adapters.sqlalchemy.engine import make_engine

COMMITS_PER_JOB = 5  # claim, cleaned body, extraction, match, completion
engine = make_engine(os.environ["DATABASE_URL"])
rows = sa.Table(
    "bare_rows",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("n", sa.Integer),
)
huey = make_huey(
    os.environ["HUEY_NAME"] + "-bare",
    os.environ.get("REDIS_URL"),
    os.environ["HUEY_SQLITE_PATH"] + ".bare",
)


@huey.task()
def bare(row_id: int) -> None:
    for _ in range(COMMITS_PER_JOB):
        with engine.begin() as conn:
            conn.execute(rows.update().where(rows.c.id == row_id).values(n=rows.c.n + 1))
