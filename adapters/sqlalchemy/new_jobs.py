"""A new job written with prebuilt Core INSERTs instead of the ORM unit of work.

The webhook adds one job per request, and the ORM flush of that job and its first history row
(unit-of-work sort, attribute history, version counter, RETURNING bookkeeping) was about half of
the request's CPU. Nothing else changes: the domain builds the job and its history as before,
the rows go into the unit of work's own transaction (a duplicate fails right here, on the same
unique constraints), the counters get the same deltas the counting hook would have written, and
the job is then attached to the session as a clean persistent object, so the unit of work
collects its events after the commit and any later change (here or in another session) is an
ordinary versioned UPDATE.
"""

from __future__ import annotations

import functools

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from adapters.sqlalchemy import counters
from adapters.sqlalchemy.orm import email_jobs, job_history
from domain.model import EmailJob

_HISTORY_COLUMNS = ("attempt", "at", "from_status", "to_status", "result", "error")


@functools.cache
def _statements():
    mapper = inspect(EmailJob)
    keys = tuple(mapper.get_property_by_column(column).key for column in email_jobs.c)
    return (
        keys,
        mapper.version_id_generator(None),
        insert(email_jobs),
        insert(job_history),
    )


def insert_new_job(session: Session, job: EmailJob) -> None:
    """Write a new `job` and its history in the session's transaction and count it. A job
    that was stored before (detached) is attached as it is, like `Session.add`."""
    if not inspect(job).transient or job.decisions:
        # Not the intake's case (a job born with review decisions is neither): the ORM path.
        session.add(job)
        return
    keys, first_version, job_insert, history_insert = _statements()
    connection = session.connection()
    values = job.__dict__
    row = {key: values.get(key) for key in keys}
    row["version"] = first_version
    connection.execute(job_insert, row)
    for entry in job.history:
        params = {name: getattr(entry, name) for name in _HISTORY_COLUMNS}
        params["job_id"] = job.id
        entry.id = connection.execute(history_insert, params).inserted_primary_key[0]
        entry.job_id = job.id
        make_transient_to_detached(entry)
    job.version = first_version
    make_transient_to_detached(job)
    deltas = counters.Deltas.empty()
    counters.job_added(job, deltas)
    counters.apply_deltas(connection, deltas.nonzero())
    # Persistent and clean: the commit has nothing left to flush for it.
    session.add(job)
