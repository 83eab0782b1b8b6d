"""EXPLAIN ANALYZE every statement a benchmark case sends (PostgreSQL).

`explain_case(engine, fn)` runs `fn` once while recording each SELECT the engine executes,
then runs `EXPLAIN (ANALYZE, BUFFERS)` on each with the same parameters and returns the plans:
the plan shown is the plan of the statement actually timed, not a hand-copied look-alike.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import event


def recorded_statements(engine: sa.Engine, fn: Callable[[], object]) -> list[tuple[str, object]]:
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("SELECT") and statement.strip() != "SELECT 1":
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def explain_case(engine: sa.Engine, fn: Callable[[], object], lines: int = 40) -> list[str]:
    out: list[str] = []
    for statement, parameters in recorded_statements(engine, fn):
        with engine.connect() as conn:
            cursor = conn.connection.dbapi_connection.cursor()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plan = [row[0] for row in cursor.fetchall()]
            cursor.close()
            conn.rollback()
        first = " ".join(statement.split())[:160]
        out.append(f"  SQL: {first}{' …' if len(statement) > 160 else ''}")
        out.extend(("    " + line)[:220] for line in plan[:lines])
        if len(plan) > lines:
            out.append(f"    … ({len(plan) - lines} more lines; {plan[-1].strip()})")
    return out
