"""Console at scale: 1 000 000 job rows in PostgreSQL; the console's jobs list (first page and a
deep page by keyset, against OFFSET for contrast), text search, bulk-retry count and dashboard.

Run: .venv/bin/python -m benchmarks.console_scale [--rows 1000000] [--repeat 50]
Target: any jobs-list page (keyset) p99 ≤ 50 ms, however deep.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import sqlalchemy as sa

from adapters.sqlalchemy.console_queries import SqlConsoleQueries
from adapters.sqlalchemy.engine import make_session_factory
from application.console.job_list import ListJobRows
from application.console.views import Cursor, JobFilter
from benchmarks.harness import environment
from benchmarks.scale import populated_engine, run_cases


def _deep_cursor(engine, status: str | None, depth: int) -> Cursor:
    where = "WHERE status = :status" if status else ""
    sql = (
        f"SELECT received_at, id FROM email_jobs {where} "
        "ORDER BY received_at DESC, id DESC OFFSET :depth LIMIT 1"
    )
    with engine.connect() as conn:
        received_at, job_id = conn.execute(sa.text(sql), {"status": status, "depth": depth}).one()
    return Cursor(received_at.astimezone(UTC), job_id)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each statement")
    args = parser.parse_args()
    with environment("postgres") as env:
        engine = populated_engine(env["DATABASE_URL"], args.rows)
        queries = SqlConsoleQueries(make_session_factory(engine))
        list_rows = ListJobRows(queries)
        deep = int(args.rows * 0.9)
        deep_cursor = _deep_cursor(engine, None, deep)
        deep_failed = _deep_cursor(engine, "failed", int(args.rows * 0.02 * 0.9))
        offset_sql = sa.text(
            "SELECT id FROM email_jobs ORDER BY received_at DESC, id DESC OFFSET :o LIMIT 51"
        )

        def offset_page():
            with engine.connect() as conn:
                conn.execute(offset_sql, {"o": deep}).all()

        now = datetime.now(UTC)
        cases = {
            "jobs, first page (no filter)": lambda: list_rows(JobFilter()),
            f"jobs, page after row {deep} (keyset)": lambda: list_rows(JobFilter(), deep_cursor),
            f"for contrast: OFFSET {deep} (not used)": offset_page,
            "jobs ?status=failed, first page": lambda: list_rows(JobFilter(status="failed")),
            "jobs ?status=failed, deep page (keyset)": lambda: list_rows(
                JobFilter(status="failed"), deep_failed
            ),
            "jobs ?q=4711 (text search, first page)": lambda: list_rows(JobFilter(q="4711")),
            "jobs ?q=creditor (matches every row)": lambda: list_rows(JobFilter(q="creditor")),
            "bulk retry dry-run count ?status=failed": lambda: queries.count_failed(
                JobFilter(status="failed")
            ),
            "dashboard counts": lambda: queries.dashboard_counts(now),
            "dashboard 48 h activity": lambda: queries.activity_since(now.replace(minute=0)),
        }
        run_cases(engine, cases, args.repeat, args.explain)
        engine.dispose()


if __name__ == "__main__":
    main()
