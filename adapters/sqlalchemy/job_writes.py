"""Changes of a stored job written with prebuilt SQL instead of the ORM flush.

The domain decides every change (`start`, the `record_*` checkpoints, `complete`,
`fail_attempt`, `expire_lease`, …); this module only persists the result. A stored job whose
changes are plain columns plus new history entries (the claim, a checkpoint, the completion,
a failed attempt, the sweep) is written in the unit of work's transaction as

    UPDATE email_jobs SET <changed columns>, version = :v + 1 WHERE id = :id AND version = :v
    INSERT INTO job_history …                 (one per new entry, if any)
    the job counters' deltas                  (counters.job_changed, as the flush hook does)

On PostgreSQL the three are one statement (data-modifying CTEs, the entry and the counters
written only if the UPDATE found the row): a transition is one round trip.
No row updated means someone else (the sweep after a lease expiry, another worker) changed
the job since it was read: ConcurrencyConflict, before anything else of it is written, exactly
the guarantee of the ORM's version counter. Everything else — a new job through the ORM, review
decisions, a removed history entry, a deletion — still goes through the ORM flush and its
counting hook (counters.py). The ORM flush of one transition, with its unit-of-work sort,
attribute bookkeeping and the hook, cost ~0.6 ms of CPU; these statements a fraction of it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Float,
    String,
    bindparam,
    cast,
    exists,
    func,
    insert,
    inspect,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.base import PASSIVE_NO_INITIALIZE

from adapters.sqlalchemy import counters
from adapters.sqlalchemy.driver_write import DriverWrite
from adapters.sqlalchemy.new_jobs import has_staged_jobs
from adapters.sqlalchemy.orm import email_jobs, job_history
from adapters.sqlalchemy.prebuilt import Prebuilt
from application.ports import ConcurrencyConflict
from domain.history import HistoryEntry
from domain.model import EmailJob

# Relationships: appended history is written here; changed review decisions go to the ORM.
_HISTORY = "history"
_ORM_ONLY = frozenset({"decisions", "version"})
_ENTRY_COLUMNS = ("job_id", "attempt", "at", "from_status", "to_status", "result", "error")


@dataclass(frozen=True)
class JobWrite:
    job: EmailJob
    changes: dict[str, object]
    entries: list[HistoryEntry]
    counter_rows: list


def planned_write(job: EmailJob) -> JobWrite | None:
    """What to write for a stored job whose changes this module can write, else None (the
    ORM writes it: a new or deleted job, changed review decisions, or nothing changed)."""
    state = inspect(job)
    changed = state.committed_state.keys()
    if state.key is None or state.deleted or not changed or not changed.isdisjoint(_ORM_ONLY):
        return None
    entries: list[HistoryEntry] = []
    if _HISTORY in changed:
        # The attribute's history without state.attrs, which builds an AttributeState for
        # every mapped attribute of the job on first use.
        history = state.manager[_HISTORY].impl.get_history(state, state.dict, PASSIVE_NO_INITIALIZE)
        if history.deleted:
            return None
        entries = list(history.added)
    values = state.dict
    changes = {key: values.get(key) for key in changed if key != _HISTORY}
    if not changes:
        return None
    # Before anything is reset: the deltas read the values the change replaces.
    deltas = counters.Deltas.empty()
    counters.job_changed(job, deltas)
    return JobWrite(job, changes, entries, deltas.nonzero())


@dataclass(frozen=True)
class Joined:
    """Statements of another table written in the job's own statement on PostgreSQL, only
    if its UPDATE found the row: `build(updated)` gives `width` result columns (scalar
    subqueries over data-modifying CTEs that read the `updated` CTE), `values` their
    parameters. The completion's ledger row and directory claim (repository.py): one round
    trip fewer a matched job."""

    job_id: str
    build: Callable[[object], list]
    width: int
    values: dict[str, object]


_statements: dict[tuple, Prebuilt] = {}


def _update(
    dialect,
    keys: tuple[str, ...],
    with_entry: bool,
    with_counts: bool = False,
    not_durable: bool = False,
    joined: Callable[[object], list] | None = None,
) -> Prebuilt:
    """The UPDATE of `keys` under the compare-and-set; `with_entry` (PostgreSQL): with the
    history entry's INSERT in the same statement, made only if the UPDATE found the row, so
    a transition costs one round trip: `SELECT <rows updated>, <entry id>`; `with_counts`
    also: with the counters' upsert (counters.apply_deltas's rows, given as arrays), made
    only if the UPDATE found the row, `SELECT <rows updated>, <entry id>, <counter rows>`;
    `not_durable`: the statement also sets synchronous_commit off for its transaction
    (UnitOfWork.commit(durable=False)), without a round trip of its own; `joined`: a
    Joined.build, its columns right after the entry id."""
    cache_key = (dialect, keys, with_entry, with_counts, not_durable, joined)
    statement = _statements.get(cache_key)
    if statement is not None:
        return statement
    update = (
        email_jobs.update()
        .where(email_jobs.c.id == bindparam("job_id"))
        .where(email_jobs.c.version == bindparam("read_version"))
        .values(
            {**{key: bindparam(f"new_{key}") for key in keys}, "version": bindparam("next_version")}
        )
    )
    built = update
    if with_entry:
        updated = update.returning(email_jobs.c.id).cte("updated")
        entry_values = [
            bindparam(f"entry_{key}", type_=job_history.c[key].type) for key in _ENTRY_COLUMNS[1:]
        ]
        entry = (
            insert(job_history)
            .from_select(_ENTRY_COLUMNS, select(updated.c.id, *entry_values))
            .returning(job_history.c.id)
            .cte("entry")
        )
        columns = [
            select(func.count()).select_from(updated).scalar_subquery(),
            select(entry.c.id).scalar_subquery(),
        ]
        if joined is not None:
            columns.extend(joined(updated))
        if with_counts:
            counted = _counters_upsert(updated)
            columns.append(select(func.count()).select_from(counted).scalar_subquery())
        if not_durable:
            columns.append(literal_column("set_config('synchronous_commit', 'off', true)"))
        built = select(*columns)
    statement = _statements[cache_key] = Prebuilt.of(built, dialect)
    return statement


def _counters_upsert(updated):
    """counters.apply_deltas's upsert as a CTE of the job's statement: the (name, label)
    rows come as arrays in key order (unnest keeps it: two transactions lock shared rows in
    the same order), one shard a transaction, written only if the job's UPDATE found it."""
    rows = (
        func.unnest(
            cast(bindparam("counter_names"), ARRAY(String)),
            cast(bindparam("counter_labels"), ARRAY(String)),
            cast(bindparam("counter_counts"), ARRAY(BigInteger)),
            cast(bindparam("counter_totals"), ARRAY(Float)),
        )
        .table_valued("name", "label", "count", "total")
        .render_derived()
    )
    table = counters.job_counters
    upsert = pg_insert(table).from_select(
        ["name", "label", "shard", "count", "total"],
        select(
            rows.c.name, rows.c.label, bindparam("counter_shard"), rows.c.count, rows.c.total
        ).where(exists(select(updated.c.id))),
    )
    upsert = upsert.on_conflict_do_update(
        index_elements=["name", "label", "shard"],
        set_={
            "count": table.c["count"] + upsert.excluded["count"],
            "total": table.c.total + upsert.excluded.total,
        },
    )
    return upsert.returning(table.c.shard).cte("counted")


@functools.cache
def _history_insert(dialect) -> Prebuilt:
    statement = insert(job_history).values(dict.fromkeys(_ENTRY_COLUMNS))
    if dialect.name == "postgresql":
        statement = statement.returning(job_history.c.id)
    return Prebuilt.of(statement, dialect)


def write(
    session: Session,
    plan: JobWrite,
    durable: bool = True,
    joined: Joined | None = None,
    connection=None,
) -> list | None:
    """Write `plan` in the session's transaction; the job is then outside the session, as
    stored: its changes committed, at the next version (the next write compares that).
    `durable` False: on PostgreSQL the transaction may commit without waiting for its log
    flush (UnitOfWork.commit); elsewhere, and on the ORM's path, it commits as usual.
    `joined`: written in the job's statement where the job is one statement (PostgreSQL,
    one history entry); then its result columns are returned, else None (not written).
    `connection`: where to write (HeldJobs.connection), else the session's."""
    job, version = plan.job, plan.job.version
    if connection is None:
        connection = session.connection()
    dialect = connection.dialect
    keys = tuple(sorted(plan.changes))
    values = {f"new_{key}": value for key, value in plan.changes.items()}
    values.update(job_id=job.id, read_version=version, next_version=version + 1)
    ids: list[int] = []
    counted = False
    joined_result = None
    if dialect.name == "postgresql" and len(plan.entries) == 1:
        entry = plan.entries[0]
        values.update({f"entry_{key}": getattr(entry, key) for key in _ENTRY_COLUMNS[1:]})
        counted = bool(plan.counter_rows)
        if counted:
            values.update(counters.delta_arrays(plan.counter_rows))
        if joined is not None:
            values.update(joined.values)
        statement = _update(
            dialect,
            keys,
            True,
            counted,
            not_durable=not durable,
            joined=joined and joined.build,
        )
        updated, entry_id, *rest = statement.run(connection, values).one()
        ids.append(entry_id)
        if joined is not None:
            joined_result = rest[: joined.width]
    else:
        updated = _update(dialect, keys, False).run(connection, values).rowcount
    if updated != 1:
        raise ConcurrencyConflict(f"job {job.id} changed since version {version}")
    for entry in plan.entries[len(ids) :]:
        row = {key: getattr(entry, key) for key in _ENTRY_COLUMNS[1:]}
        row["job_id"] = job.id
        result = _history_insert(dialect).run(connection, row)
        ids.append(result.scalar_one() if dialect.name == "postgresql" else result.lastrowid)
    if not counted:
        counters.apply_deltas(connection, plan.counter_rows)
    state = instance_state(job)
    if state.session_id == session.hash_key:
        _detach(session, state, plan.entries)
    for entry, entry_id in zip(plan.entries, ids, strict=True):
        _stored_entry(entry, entry_id, job.id)
    # Everything the plan held is stored: the job's state is committed as a whole, as the
    # ORM's own flush does it (its changed columns, its appended history), at the next
    # version; one call instead of one set_committed_value per changed attribute.
    state.dict["version"] = version + 1
    state._commit_all(state.dict)
    return joined_result


def _detach(session: Session, state, entries: list[HistoryEntry]) -> None:
    """The job out of the session with its new history entries, as session.expunge does it.
    Its expunge cascade walks every relationship of the job. A job read for a claim
    (claim_read.py) has in the session only its new entries (pending since their append):
    no review decisions loaded, no stored entry; any other job takes the cascade."""
    if "decisions" in state.dict or state.committed_state.get(_HISTORY):
        session.expunge(state.obj())
    else:
        session._expunge_states([state, *map(instance_state, entries)])


def _stored_entry(entry: HistoryEntry, entry_id: int, job_id: str) -> None:
    """A written history entry made a clean detached object with its row's id, as
    make_transient_to_detached makes it (key, committed state) without its generic steps."""
    state = instance_state(entry)
    state.dict["id"], state.dict["job_id"] = entry_id, job_id
    if state.key is not None or state.session_id or state.unloaded:
        make_transient_to_detached(entry)  # not the plain case: the generic steps
        return
    state.key = state.mapper.identity_key_from_primary_key((entry_id,))
    state._commit_all(state.dict)


def _connected(session: Session) -> bool:
    """Whether the session's transaction has begun on a connection (an ORM read, a flush)."""
    root = session.get_transaction()
    return root is not None and bool(root._connections)


class HeldJobs:
    """The jobs of one unit of work written here rather than by the ORM flush: read for a
    claim or resumed (kept outside the session: attaching and detaching a job with its
    history cascade cost more than its prebuilt write), and any job of the session whose
    changes are plain. A held job with other changes (review decisions) is handed to the
    session, whose flush writes and counts it."""

    def __init__(self, session: Session, driver: DriverWrite | None = None) -> None:
        self._session = session
        self.jobs: list[EmailJob] = []
        # SQLite: the unit of work's transaction at the driver level while the session has
        # begun nothing (driver_write.DriverWrite); None: always the session's.
        self.driver = driver

    def connection(self) -> Connection | DriverWrite:
        """Where the unit of work's prebuilt statements run: its driver-level transaction
        while the session has begun none (the session takes it over when it needs the
        database), else the session's connection."""
        driver, session = self.driver, self._session
        if (
            driver is not None
            and not driver.handed_over
            and (driver.begun or not _connected(session))
            and not has_staged_jobs(session)  # written first, in the session's transaction
        ):
            return driver
        return session.connection()

    def hold(self, job: EmailJob) -> None:
        if all(job is not held for held in self.jobs):
            self.jobs.append(job)

    def seen(self) -> list[EmailJob]:
        """Every job this unit of work has read, resumed or written."""
        in_session = [o for o in self._session.identity_map.values() if isinstance(o, EmailJob)]
        return self.jobs + [job for job in in_session if all(job is not h for h in self.jobs)]

    def flush(self, durable: bool = True, joined: Joined | None = None) -> list | None:
        """Write every held job with plain changes, then flush the session. `joined`: written
        in its job's statement if that job is written here as one statement; its result
        columns are returned then, else None (the caller writes it on its own)."""
        result = None
        for job in self.seen():
            plan = planned_write(job)
            if plan is not None:
                mine = joined if joined is not None and joined.job_id == job.id else None
                written = write(self._session, plan, durable, mine, self.connection())
                if mine is not None:
                    result = written
                self.hold(job)
            elif job not in self._session and inspect(job).committed_state:
                self._session.add(job)  # not plain: the ORM flush writes and counts it
        self._session.flush()
        return result
