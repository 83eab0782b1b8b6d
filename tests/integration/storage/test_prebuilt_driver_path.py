"""The hot path's statements run on the DBAPI cursor (prebuilt.execute): the same rows and
counts as exec_driver_sql, the same wrapped, parameter-free errors (so errors.translated
classifies them alike), and exec_driver_sql itself whenever something listens to cursor
execution or no transaction is open."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy import counters
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.prebuilt import execute
from domain.errors import PermanentError

SECRET = "body-of-an-email"


def _sql(engine, statement: str) -> str:
    return statement.replace("?", "%s") if engine.dialect.name == "postgresql" else statement


def test_results_equal_those_of_exec_driver_sql(engine):
    insert = _sql(
        engine,
        "INSERT INTO job_counters (name, label, shard, count, total) VALUES (?, ?, 0, 1, 0.0)",
    )
    select = _sql(engine, "SELECT name, count FROM job_counters WHERE label = ? ORDER BY name")
    with engine.begin() as conn:
        for name in ("a", "b"):
            assert execute(conn, insert, (name, "x")).rowcount == 1
        driver = execute(conn, select, ("x",))
        expected = conn.exec_driver_sql(select, ("x",)).fetchall()
        assert driver.rows == [tuple(row) for row in expected] == [("a", 1), ("b", 1)]
        assert driver.first() == ("a", 1)
        assert execute(conn, select, ("none",)).first() is None
        with pytest.raises(Exception, match="Multiple rows"):
            driver.one()
        update = _sql(engine, "UPDATE job_counters SET count = count + 1 WHERE label = ?")
        assert execute(conn, update, ("x",)).rowcount == 2


def test_an_error_is_wrapped_and_translated_like_exec_driver_sql_without_its_values(engine):
    duplicate = _sql(
        engine,
        "INSERT INTO job_counters (name, label, shard, count, total) VALUES (?, ?, 0, 1, 0.0)",
    )
    errors = []
    for run in (execute, lambda conn, sql, params: conn.exec_driver_sql(sql, params)):
        with engine.connect() as conn:
            conn.begin()
            run(conn, duplicate, (SECRET, "x"))
            with pytest.raises(DBAPIError) as raised:
                run(conn, duplicate, (SECRET, "x"))
            errors.append(raised.value)
            with pytest.raises(PermanentError) as translation, translated():
                raise raised.value
            assert SECRET not in str(translation.value)
            conn.rollback()
    ours, theirs = errors
    assert type(ours) is type(theirs) and type(ours.orig) is type(theirs.orig)
    assert str(ours) == str(theirs) and "parameters hidden" in str(ours)


def test_cursor_listeners_and_autobegin_still_see_every_statement(engine):
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        with engine.begin() as conn:
            counters.apply_deltas(conn, [(("jobs", "queued"), 1, 0.0)], shard=0)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert any("job_counters" in statement for statement in seen)
    with engine.connect() as conn:  # no transaction yet: exec_driver_sql autobegins
        select = _sql(engine, "SELECT count FROM job_counters WHERE name = ?")
        assert execute(conn, select, ("jobs",)).scalar_one() == 1
