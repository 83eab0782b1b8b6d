"""Checkpoint writes of a job on one prebuilt Core UPDATE instead of an ORM flush.

A checkpoint (cleaned body, attachment texts, extraction, match) changes a few plain columns
of a job the worker holds: no status, no history entry, no event, nothing the job counters
follow. The unit of work hands such a job here at commit time; everything else (transitions,
new jobs, history, review decisions) still goes through the ORM flush and its counting hook.

The guarantee is the ORM's own: `UPDATE … WHERE id = :id AND version = :version` with the
version the job was last committed with, and the next version; no row updated means someone
else (the sweep after a lease expiry, another worker) changed the job since, and the commit
fails with ConcurrencyConflict before anything is written.
"""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from adapters.sqlalchemy.orm import email_jobs
from application.ports import ConcurrencyConflict
from domain.model import EmailJob

# Plain columns the pipeline's checkpoints write; none is read by the job counters.
CHECKPOINT_COLUMNS = frozenset(
    {"cleaned_body", "attachment_texts", "extraction", "match", "updated_at"}
)


def checkpoint_changes(job: EmailJob) -> dict[str, object] | None:
    """The changed columns of a stored job when they are checkpoint columns only, else None
    (the ORM writes it: a transition, a history entry, an event, or nothing changed)."""
    state = inspect(job)
    if state.key is None or state.deleted or job.events:
        return None
    changed = state.committed_state.keys()
    if not changed or not changed <= CHECKPOINT_COLUMNS:
        return None
    return {key: state.dict[key] for key in changed}


@functools.cache
def _update(keys: tuple[str, ...]):
    return (
        email_jobs.update()
        .where(email_jobs.c.id == bindparam("job_id"))
        .where(email_jobs.c.version == bindparam("read_version"))
        .values(
            {**{key: bindparam(f"new_{key}") for key in keys}, "version": bindparam("next_version")}
        )
    )


def write_checkpoint(session: Session, job: EmailJob, changes: dict[str, object]) -> None:
    """UPDATE the job's changed columns under the version compare-and-set, then take it out
    of the session with those values committed (the next write compares the new version)."""
    version = job.version
    keys = tuple(sorted(changes))
    params = {f"new_{key}": value for key, value in changes.items()}
    params.update(job_id=job.id, read_version=version, next_version=version + 1)
    result = session.connection().execute(_update(keys), params)
    if result.rowcount != 1:
        raise ConcurrencyConflict(f"job {job.id} changed since version {version}")
    session.expunge(job)
    for key, value in changes.items():
        set_committed_value(job, key, value)
    set_committed_value(job, "version", version + 1)
