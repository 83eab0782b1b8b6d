"""Scale: 1 000 000 job rows in PostgreSQL; the jobs list (filtered by status) and the recovery
sweep's queries timed, with EXPLAIN to show the indexes in use.

Run: .venv/bin/python -m benchmarks.scale [--rows 1000000] [--repeat 200]
Targets: list p99 ≤ 50 ms; sweep queries p99 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg2.extensions
import sqlalchemy as sa

from adapters.sqlalchemy import deadline
from adapters.sqlalchemy.counts_store import SqlCountsCheck, SqlMetricsSource
from adapters.sqlalchemy.engine import make_engine, make_session_factory
from adapters.sqlalchemy.queries import SqlJobQueries
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from benchmarks.explain import explain_case
from benchmarks.harness import environment, percentiles
from domain.values import JobStatus

# 97 % completed (2 % of them open reviews), 2 % failed, 1 % queued/processing/received:
# a long-lived deployment.
GENERATE = """
INSERT INTO email_jobs (id, external_id, ticket_id, from_email, subject, body_html, body_text,
  attachments, received_at, status, outcome, attempts, cycle_attempts, manual_retries, queued_at,
  completed_at, next_attempt_at, lease_expires_at, updated_at, version, review_status)
SELECT md5(g::text)::uuid::text, 'bench-' || g, g, 'x@creditor.example', 'Az. ' || g, '', 'Forderung',
  '[]'::json, now() - (g || ' seconds')::interval,
  CASE WHEN g % 100 < 97 THEN 'completed' WHEN g % 100 < 99 THEN 'failed'
       WHEN g % 300 = 99 THEN 'received' WHEN g % 300 = 199 THEN 'processing' ELSE 'queued' END,
  CASE WHEN g % 100 < 97 THEN CASE WHEN g % 50 = 0 THEN 'needs_review' ELSE 'matched' END END,
  1, 1, 0, now() - (g || ' seconds')::interval,
  CASE WHEN g % 100 < 97 THEN now() - (g || ' seconds')::interval END,
  CASE WHEN g % 300 = 299 THEN now() + interval '1 minute' END,
  CASE WHEN g % 300 = 199 THEN now() + interval '10 minutes' END,
  now() - (g || ' seconds')::interval, 1,
  CASE WHEN g % 100 < 97 AND g % 50 = 0 THEN 'open' END
FROM generate_series(1, :rows) AS g
"""


@contextmanager
def no_client_deadline():
    """Generating and analysing 1M rows takes longer than the adapters' per-round-trip limit
    (deadline.py, 15 s) on a loaded box: the set-up waits the blocking way, the timed part not."""
    psycopg2.extensions.set_wait_callback(None)
    try:
        yield
    finally:
        deadline.install()


def populated_engine(database_url: str, rows: int) -> sa.Engine:
    """An engine on the benchmark database, after generating `rows` jobs and analysing them."""
    engine = make_engine(database_url, pool_size=2)
    started = time.perf_counter()
    with no_client_deadline(), engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL statement_timeout = 0"))
        conn.execute(sa.text(GENERATE), {"rows": rows})
    with (
        no_client_deadline(),
        engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn,
    ):
        conn.execute(sa.text("SET statement_timeout = 0"))
        conn.execute(sa.text("VACUUM ANALYZE email_jobs"))
    print(f"generated {rows} rows in {time.perf_counter() - started:.0f} s")
    return engine


def timed(fn, repeat: int) -> dict:
    """Wall-clock percentiles, and the median CPU time of this (client) process per call: on
    the shared box the wall clock includes waiting for a core, the CPU time does not."""
    values, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - cpu_started)
        values.append(time.perf_counter() - started)
    return {**percentiles(values), "cpu_p50_ms": round(statistics.median(cpu) * 1000, 1)}


HEADER = "| query | p50 ms | p95 ms | p99 ms | client CPU p50 ms |\n|---|---|---|---|---|"


def row(name: str, result: dict) -> str:
    cells = (result[k] for k in ("p50_ms", "p95_ms", "p99_ms", "cpu_p50_ms"))
    return f"| {name} | " + " | ".join(map(str, cells)) + " |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each statement")
    args = parser.parse_args()
    with environment("postgres") as env:
        engine = populated_engine(env["DATABASE_URL"], args.rows)
        sessions = make_session_factory(engine)
        # The rows were written past the mapping: the counters learn them the way an operator
        # repairs drift, `flask jobs verify-counts` (timed: it locks job writers meanwhile).
        started = time.perf_counter()
        repaired = SqlCountsCheck(sessions).verify(repair=True)
        print(
            f"verify-counts repaired {len(repaired)} counters in {time.perf_counter() - started:.1f} s"
        )
        queries = SqlJobQueries(sessions)
        metrics = SqlMetricsSource(sessions, mirror_configured=True)
        now = datetime.now(UTC)

        def group_by_counts():
            with engine.connect() as conn:
                conn.execute(
                    sa.text("SELECT status, count(*) FROM email_jobs GROUP BY status")
                ).all()

        cases = {
            "GET /api/v1/jobs?status=failed (list + total + status_counts)": lambda: (
                queries.list_jobs(JobStatus.FAILED, 50, 0)
            ),
            "GET /api/v1/jobs?status=queued": lambda: queries.list_jobs(JobStatus.QUEUED, 50, 0),
            "GET /api/v1/jobs (no filter)": lambda: queries.list_jobs(None, 50, 0),
        }

        def sweep(method: str, *call_args):
            def run():
                with SqlAlchemyUnitOfWork(sessions) as uow:
                    getattr(uow.jobs, method)(*call_args)

            return run

        cases["before: status_counts as GROUP BY over every row"] = group_by_counts
        cases["GET /metrics job numbers (counters + oldest ages + unmirrored)"] = lambda: (
            metrics.snapshot(datetime.now(UTC))
        )
        cases["sweep: expired leases"] = sweep("expired_lease_ids", now + timedelta(hours=1), 500)
        cases["sweep: received/due queued"] = sweep("unhanded_ids", now - timedelta(minutes=1), 500)
        cases["sweep: unalerted failures"] = sweep(
            "unalerted_failure_ids", now - timedelta(minutes=1), 500
        )
        run_cases(engine, cases, args.repeat, args.explain)
        engine.dispose()


def run_cases(engine: sa.Engine, cases: dict, repeat: int, explain: bool) -> None:
    """Time every case (after one warm-up call) and, with --explain, print each case's plans."""
    print(HEADER)
    for name, fn in cases.items():
        fn()
        print(row(name, timed(fn, repeat)), flush=True)
    if explain:
        for name, fn in cases.items():
            print(f"\nEXPLAIN ANALYZE {name}:")
            print("\n".join(explain_case(engine, fn)))


if __name__ == "__main__":
    main()
