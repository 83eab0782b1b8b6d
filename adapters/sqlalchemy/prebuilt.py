"""Statements of the worker's hot path compiled once per dialect and run as driver SQL.

`Connection.execute(core_statement)` looks its compiled form up in a cache, but still builds
an execution context per call: parameter processing through the compiled object, result
metadata, ORM-free but not free (~0.1 ms a statement in the worker's profile, several per
job). A `Prebuilt` keeps the driver's SQL string, the order of its parameters and each value's
bind processor (the column types' own conversions: UTC datetimes, enums, value objects as
JSON), so a call is `exec_driver_sql` with ready parameters: SQLAlchemy's events, error
wrapping (errors.translated) and `hide_parameters` stay as for any statement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection, CursorResult


@dataclass(frozen=True)
class Prebuilt:
    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    positional: bool

    @classmethod
    def of(cls, statement, dialect) -> Prebuilt:
        compiled = statement.compile(dialect=dialect)
        names = tuple(compiled.positiontup or compiled.params)
        types = {compiled.bind_names[bind]: bind.type for bind in compiled.binds.values()}
        processors = tuple(
            types[name].dialect_impl(dialect).bind_processor(dialect) for name in names
        )
        return cls(str(compiled), names, processors, bool(compiled.positiontup))

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        row = [
            value if process is None else process(value)
            for value, process in zip(
                map(values.__getitem__, self.names), self.processors, strict=True
            )
        ]
        return tuple(row) if self.positional else dict(zip(self.names, row, strict=True))

    def run(self, connection: Connection, values: Mapping[str, Any]) -> CursorResult:
        return connection.exec_driver_sql(self.sql, self.parameters(values))


def result_processors(table: Table, dialect) -> tuple[Callable[[Any], Any] | None, ...]:
    """Per column of `table`, in order: the type's conversion of what the driver returns."""
    return tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in table.c
    )
