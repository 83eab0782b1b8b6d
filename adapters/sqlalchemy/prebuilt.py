"""Statements of the worker's hot path compiled once per dialect and run as driver SQL.

`Connection.execute(core_statement)` looks its compiled form up in a cache, but still builds
an execution context per call: parameter processing through the compiled object, result
metadata, ORM-free but not free (~0.1 ms a statement in the worker's profile, several per
job). A `Prebuilt` keeps the driver's SQL string, the order of its parameters and each value's
bind processor (the column types' own conversions: UTC datetimes, enums, value objects as
JSON), so a call is one DBAPI `cursor.execute` with ready parameters (`execute` below):
SQLAlchemy's error handling — the wrapped exception that errors.translated reads,
`hide_parameters`, a lost connection invalidated — stays as for any statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection
from sqlalchemy.exc import CompileError, MultipleResultsFound, NoResultFound


@dataclass(frozen=True)
class Prebuilt:
    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    positional: bool
    # PostgreSQL: (name, server type) of each parameter, for a prepared statement (prepared.py).
    server_types: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, statement, dialect) -> Prebuilt:
        compiled = statement.compile(dialect=dialect)
        names = tuple(compiled.positiontup or compiled.params)
        types = {compiled.bind_names[bind]: bind.type for bind in compiled.binds.values()}
        processors = tuple(
            types[name].dialect_impl(dialect).bind_processor(dialect) for name in names
        )
        server_types = ()
        if dialect.name == "postgresql" and not compiled.positiontup:
            server_types = tuple((name, _server_type(types[name], dialect)) for name in names)
        return cls(str(compiled), names, processors, bool(compiled.positiontup), server_types)

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        row = [
            value if process is None else process(value)
            for value, process in zip(
                map(values.__getitem__, self.names), self.processors, strict=True
            )
        ]
        return tuple(row) if self.positional else dict(zip(self.names, row, strict=True))

    def run(
        self, connection: Connection | DriverTransaction, values: Mapping[str, Any]
    ) -> DriverResult:
        if isinstance(connection, DriverTransaction):
            return connection.run(self.sql, self.parameters(values), self.server_types)
        return execute(connection, self.sql, self.parameters(values))


def _server_type(type_, dialect) -> str:
    """The parameter's type as PREPARE declares it: the column type's name without its
    length or precision (the column itself still enforces them, as with a literal); an
    untyped parameter as `unknown` (inferred from where it stands, as for a literal)."""
    try:
        name = dialect.type_compiler_instance.process(type_.dialect_impl(dialect))
    except CompileError:  # NullType: no name
        return "unknown"
    return re.sub(r"\([^)]*\)", "", name)


@dataclass(frozen=True, slots=True)
class DriverResult:
    """What the hot path reads of a statement's result, fetched before the cursor closes."""

    rows: list[tuple] | None
    rowcount: int
    lastrowid: int | None

    def first(self) -> tuple | None:
        return self.rows[0] if self.rows else None

    def one(self) -> tuple:
        if not self.rows:
            raise NoResultFound("No row was found when one was required")
        if len(self.rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return self.rows[0]

    def scalar_one(self) -> Any:
        return self.one()[0]


class DriverTransaction:
    """A transaction kept at the driver level (driver_write.DriverWrite): `execute` below runs a
    statement by its own `run`, with no SQLAlchemy Connection around it."""

    dialect: Any

    def run(
        self, sql: str, parameters, server_types: tuple[tuple[str, str], ...] = ()
    ) -> DriverResult:
        """`server_types` (a Prebuilt's, PostgreSQL): the statement may run prepared."""
        raise NotImplementedError


def execute(
    connection: Connection | DriverTransaction, sql: str, parameters, own_query: bool = False
) -> DriverResult:
    """`sql` run on the connection's DBAPI cursor in its open transaction (`own_query`: on a
    connection in psycopg2's autocommit mode, as a transaction of its own: prepared.py).

    `exec_driver_sql` builds an execution context and a CursorResult per call and, with the
    SQLite engine's begin/commit listeners, checks the event hooks of each step: ~13 µs a
    statement, ~0.16 ms of the worker's ~2.3 ms a job (about twelve statements). Whenever
    something listens to cursor execution (tests counting statements, tracing) or the
    connection has no transaction yet (autobegin), the statement goes through
    exec_driver_sql as before; so do errors: Connection._handle_dbapi_exception wraps and
    reports them exactly as for exec_driver_sql (and invalidates a lost connection)."""
    if isinstance(connection, DriverTransaction):
        return connection.run(sql, parameters)
    dispatch = connection.dispatch
    if (
        dispatch.before_cursor_execute
        or dispatch.after_cursor_execute
        or not (own_query or connection.in_transaction())
    ):
        result = connection.exec_driver_sql(sql, parameters)
        rows = result.fetchall() if result.returns_rows else None
        lastrowid = result.lastrowid if connection.dialect.name == "sqlite" else None
        return DriverResult(rows, result.rowcount, lastrowid)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description is not None else None
        result = DriverResult(rows, cursor.rowcount, getattr(cursor, "lastrowid", None))
    except BaseException as exc:
        # Closes the cursor, invalidates a lost connection, raises the wrapped error.
        connection._handle_dbapi_exception(exc, sql, parameters, cursor, None)
    cursor.close()
    return result


def result_processors(table: Table, dialect) -> tuple[Callable[[Any], Any] | None, ...]:
    """Per column of `table`, in order: the type's conversion of what the driver returns."""
    return tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in table.c
    )
