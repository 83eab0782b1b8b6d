"""Server-side prepared statements on PostgreSQL: the intake's one-query transaction, and the
worker's prebuilt statements in its driver-level transactions (driver_write.DriverWrite).

psycopg2 sends every statement as text, which the server parses, analyses and plans anew each
time: for a delivery's three INSERTs (the job's row has 36 columns) that was about a fifth of
the server's CPU (perf of the backend). Here each statement is PREPAREd once per connection and
then sent as `EXECUTE name(values)`, still as one query.

PREPARE is not undone by a rollback, so what a connection holds is known only once a query
that prepared has succeeded: when a statement is missing (or a query that prepared failed),
the next query starts with DEALLOCATE ALL and prepares every statement again, which leaves the
connection in a known state whatever happened before. Statements dropped by someone else
(DISCARD ALL) cost one failed query, sent again with its statements prepared. This needs one server session per
connection (PgBouncer in transaction mode would not do; the engine's startup options already
need session mode there).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections.abc import Callable, MutableMapping, Sequence

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.prebuilt import DriverResult, execute

# connection.info: the PREPARE texts the connection's server session holds.
_PREPARED = "creditor_inbox.prepared"
_PLACEHOLDER = re.compile(r"%s")
_NAMED_PLACEHOLDER = re.compile(r"%\(([^)]+)\)s")
_NO_SUCH_STATEMENT = "26000"  # invalid_sql_statement_name


@functools.cache
def _name(sql: str) -> str:
    return "creditor_inbox_" + hashlib.sha1(sql.encode()).hexdigest()[:16]


@functools.cache
def _prepare(sql: str) -> str:
    """The PREPARE of psycopg2 SQL with positional %s placeholders (types inferred)."""
    numbers = itertools.count(1)
    return f"PREPARE {_name(sql)} AS " + _PLACEHOLDER.sub(lambda _: f"${next(numbers)}", sql)


@functools.cache
def _execute(sql: str, parameters: int) -> str:
    return f"EXECUTE {_name(sql)}(" + ", ".join(["%s"] * parameters) + ")"


def run_prepared(connection: Connection, statements: Sequence[tuple[str, tuple]]) -> DriverResult:
    """Run `statements` (psycopg2 SQL with positional %s placeholders, and their parameters)
    as one query of EXECUTEs, outside any transaction (the query is its own, on a connection
    in psycopg2's autocommit mode); the result is the last statement's."""
    try:
        return _run(connection, statements)
    except DBAPIError as exc:
        if getattr(exc.orig, "pgcode", None) != _NO_SUCH_STATEMENT:
            raise
    # Dropped behind our back (DEALLOCATE, DISCARD ALL): the failed query ran nothing (it was
    # its own transaction), so it is sent again with its statements prepared anew.
    connection.info.pop(_PREPARED, None)
    return _run(connection, statements)


def _run(connection: Connection, statements: Sequence[tuple[str, tuple]]) -> DriverResult:
    parts, done = _preparing(connection.info, frozenset(_prepare(sql) for sql, _ in statements))
    parts.extend(_execute(sql, len(parameters)) for sql, parameters in statements)
    # One query of its own (autocommit): on the DBAPI cursor, errors wrapped as for
    # exec_driver_sql (prebuilt.execute).
    result = execute(
        connection,
        "; ".join(parts),
        tuple(value for _, parameters in statements for value in parameters),
        own_query=True,
    )
    done()
    return result


def _preparing(
    info: MutableMapping, needed: frozenset[str]
) -> tuple[list[str], Callable[[], None]]:
    """What a query must send first so that the connection (`info`: its pool entry's) holds
    the `needed` PREPAREs: nothing, or DEALLOCATE ALL and every PREPARE it is to hold; and
    what to call once that query has succeeded (until then the connection's statements are
    unknown)."""
    prepared: frozenset[str] = info.get(_PREPARED, frozenset())
    if needed <= prepared:
        return [], _nothing
    info.pop(_PREPARED, None)  # unknown until this query succeeds
    prepared |= needed
    return ["DEALLOCATE ALL", *sorted(prepared)], functools.partial(
        info.__setitem__, _PREPARED, prepared
    )


def _nothing() -> None:
    return None


@functools.cache
def _named(sql: str, types: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    """A prebuilt statement's driver SQL (`%(name)s` placeholders; `types`: (name, PostgreSQL
    type) of each) as (its PREPARE text, the EXECUTE that runs it with the same parameters)."""
    names = list(dict.fromkeys(_NAMED_PLACEHOLDER.findall(sql)))
    server_type = dict(types)
    numbers = {name: f"${n}" for n, name in enumerate(names, 1)}
    body = _NAMED_PLACEHOLDER.sub(lambda m: numbers[m.group(1)], sql)
    name = _name(sql)
    declared = ", ".join(server_type[n] for n in names)
    prepare = f"PREPARE {name}({declared}) AS {body}" if names else f"PREPARE {name} AS {body}"
    arguments = ", ".join(f"%({n})s" for n in names)
    return prepare, f"EXECUTE {name}({arguments})" if names else f"EXECUTE {name}"


def forget_prepared(info: MutableMapping) -> None:
    """After a failed query that ran prepared statements: what the connection holds is
    unknown (DISCARD ALL behind our back would make every later EXECUTE fail), so the next
    query prepares again."""
    info.pop(_PREPARED, None)


def prepared_query(info: MutableMapping, sql: str, types: tuple[tuple[str, str], ...]):
    """The query that runs prebuilt driver SQL as a prepared statement on a connection whose
    pool entry's `info` is given (in its open transaction: PREPARE and DEALLOCATE are not
    transactional, so what a succeeded query prepared stays after a rollback), with the same
    parameters; and what to call once it has succeeded."""
    prepare, run = _named(sql, types)
    parts, done = _preparing(info, frozenset((prepare,)))
    return "; ".join([*parts, run]), done
