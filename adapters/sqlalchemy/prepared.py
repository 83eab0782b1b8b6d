"""Server-side prepared statements for the intake's one-query transaction on PostgreSQL.

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
from collections.abc import Sequence

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.prebuilt import DriverResult, execute

_PREPARED = "creditor_inbox.prepared"
_PLACEHOLDER = re.compile(r"%s")
_NO_SUCH_STATEMENT = "26000"  # invalid_sql_statement_name


@functools.cache
def _name(sql: str) -> str:
    return "creditor_inbox_" + hashlib.sha1(sql.encode()).hexdigest()[:16]


@functools.cache
def _prepare(sql: str) -> str:
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
    prepared: frozenset[str] = connection.info.get(_PREPARED, frozenset())
    needed = frozenset(sql for sql, _ in statements)
    parts = []
    if not needed <= prepared:
        connection.info.pop(_PREPARED, None)  # unknown until this query succeeds
        prepared |= needed
        parts.append("DEALLOCATE ALL")
        parts.extend(_prepare(sql) for sql in sorted(prepared))
    parts.extend(_execute(sql, len(parameters)) for sql, parameters in statements)
    # One query of its own (autocommit): on the DBAPI cursor, errors wrapped as for
    # exec_driver_sql (prebuilt.execute).
    result = execute(
        connection,
        "; ".join(parts),
        tuple(value for _, parameters in statements for value in parameters),
        own_query=True,
    )
    connection.info[_PREPARED] = prepared
    return result
