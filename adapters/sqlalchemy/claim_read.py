"""The claim's read of one job: a prebuilt SELECT, its row made into a stored EmailJob.

Claiming (and the recovery sweep) reads one row, lets the domain decide (`can_start`,
`start`, `expire_lease`) and writes the result back under the version compare-and-set
(job_writes.py). The ORM's loading of that row (query compilation lookup, loading context,
identity-map bookkeeping, load events) was the largest part of the claim's CPU; here the row
comes from one prebuilt statement (prebuilt.py) — on PostgreSQL `FOR UPDATE SKIP LOCKED`, so a
row another claimer holds is skipped, not waited for (SPEC §5.3) — its values go through the
column types' own conversions, and the job is attached to the session as a clean persistent
object, exactly as the ORM's loading attaches it: history not loaded (appended only, like the
mapping's `noload`), review decisions loaded only if touched.
"""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from adapters.sqlalchemy.orm import StoredEmailJob, email_jobs, job_column_keys
from adapters.sqlalchemy.prebuilt import Prebuilt, result_processors
from domain.model import EmailJob


@functools.cache
def _statement(dialect):
    mapper = inspect(StoredEmailJob)
    keys = job_column_keys()
    statement = select(email_jobs).where(email_jobs.c.id == bindparam("job_id"))
    if dialect.name == "postgresql":
        # Another claimer holding the row: skip it instead of waiting (SPEC §5.3).
        statement = statement.with_for_update(skip_locked=True, of=email_jobs)
    return (
        statement,
        mapper,
        keys,
        Prebuilt.of(statement, dialect),
        result_processors(email_jobs, dialect),
    )


def read_for_claim(session: Session, job_id: str, connection=None) -> EmailJob | None:
    """The stored job `job_id` attached to `session`; None when missing (or, on PostgreSQL,
    locked by another transaction). `connection`: where to read (job_writes.HeldJobs
    .connection: the unit of work's driver-level transaction on SQLite), else the
    session's."""
    if connection is None:
        connection = session.connection()
    core, mapper, keys, prebuilt, processors = _statement(connection.dialect)
    if mapper.identity_key_from_primary_key((job_id,)) in session.identity_map:
        # Already loaded in this transaction (no use case does this): refreshed the ORM way.
        query = (
            select(StoredEmailJob).from_statement(core).execution_options(populate_existing=True)
        )
        return session.scalars(query, {"job_id": job_id}).first()
    row = prebuilt.run(connection, {"job_id": job_id}).first()
    if row is None:
        return None
    job = mapper.class_manager.new_instance()
    values = job.__dict__
    for key, value, process in zip(keys, row, processors, strict=True):
        values[key] = value if process is None or value is None else process(value)
    values["events"] = []  # as orm.py's load listener does
    set_committed_value(job, "history", [])
    make_transient_to_detached(job)
    # Attached the way the ORM's loading attaches the object of a row it read (identity map,
    # session id), not by session.add, whose save-update cascade walks the job's
    # relationships: persistent in the session as before (review decisions load if touched).
    state = instance_state(job)
    session.identity_map._add_unpresent(state, state.key)
    state.session_id = session.hash_key
    return job
