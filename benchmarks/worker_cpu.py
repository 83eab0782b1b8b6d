"""Worker CPU per job, in process: one consumer thread draining a backlog, beside the floor.

CPU time is much steadier than jobs/s on a shared machine. On PostgreSQL the line also gives
the CPU of the database's server backends per job ("+ server"): the consumer and the server
share the machine's cores, so both bound the drain. The tasks go through Huey as in
the consumer (enqueued at intake, then dequeued and executed here), with the worker's logging
set-up and its frozen start-up heap; the floor is benchmarks/bare_worker.py's task.
Run: .venv/bin/python -m benchmarks.worker_cpu [--jobs 300] [--backend sqlite]
     [--log-level INFO] [--profile breakdown|cprofile|pyinstrument]
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import json
import os
import pstats
import sys
import time

from benchmarks.harness import environment


def drain(huey) -> tuple[int, float, float]:
    """Execute every queued task; (tasks, CPU s, wall s)."""
    done, cpu, wall = 0, time.process_time(), time.perf_counter()
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        done += 1
    return done, time.process_time() - cpu, time.perf_counter() - wall


def server_cpu(database_url: str) -> float:
    """CPU seconds (user + system) used so far by the PostgreSQL backends serving the
    benchmark's database (same machine; 0 on SQLite): on a 2-core box the server's share
    bounds the consumer's throughput as much as the consumer's own CPU does."""
    import psutil

    if not database_url.startswith("postgresql"):
        return 0.0
    name = f" {database_url.rsplit('/', 1)[1]} "
    total = 0.0
    for process in psutil.process_iter(["cmdline"]):
        try:
            if name in " ".join(process.info["cmdline"] or []) + " ":
                times = process.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            continue
    return total


def measured(env: dict, run, jobs: int):
    """run() → (done, cpu, wall, …), plus the server's CPU ms per job over it."""
    before = server_cpu(env["DATABASE_URL"])
    done, cpu, wall, *rest = run()
    return (done, cpu, wall, *rest, (server_cpu(env["DATABASE_URL"]) - before) / jobs * 1000)


def ours(env: dict, jobs: int, log_level: str, profile: str | None) -> dict:
    from benchmarks.worker import email
    from tests.fixtures.pipeline import FIXTURES

    os.environ.update({**env, "LOG_LEVEL": log_level})
    stderr, sys.stderr = sys.stderr, open(os.devnull, "w")  # noqa: SIM115 - the log stream
    try:
        import entrypoints.worker as worker  # the worker's own start-up: wiring, logs, freeze
    finally:
        sys.stderr = stderr
    container = worker.container
    container.sql_directory().import_directory(
        json.loads((FIXTURES / "directory.json").read_text())
    )
    huey = worker.huey
    receive, clock = container.receive_email(), container.clock()
    for n in range(20):  # warm-up: first queries, caches
        receive(email(n, clock))
    drain(huey)
    for n in range(20, 20 + jobs):
        receive(email(n, clock))
    breakdown = Breakdown() if profile == "breakdown" else None
    if breakdown:
        breakdown.install(container)
    done, cpu, wall, report, server = measured(
        env, lambda: profiled(lambda: drain(huey), profile), jobs
    )
    if breakdown:
        report = breakdown.report(jobs, cpu)
    counts = container.job_queries().list_jobs(None, 1, 0).status_counts
    assert done >= jobs and counts["completed"] == jobs + 20, (done, counts)
    return {
        "cpu_ms": cpu / jobs * 1000,
        "wall_ms": wall / jobs * 1000,
        "server_ms": server,
        "report": report,
    }


def bare(env: dict, jobs: int) -> dict:
    import sqlalchemy as sa

    os.environ.update({k: env[k] for k in ("DATABASE_URL", "HUEY_NAME", "HUEY_SQLITE_PATH")})
    if env.get("REDIS_URL"):
        os.environ["REDIS_URL"] = env["REDIS_URL"]
    from benchmarks import bare_worker

    bare_worker = importlib.reload(bare_worker)
    with bare_worker.engine.begin() as conn:
        conn.execute(
            sa.text("CREATE TABLE IF NOT EXISTS bare_rows (id INTEGER PRIMARY KEY, n INTEGER)")
        )
        conn.execute(
            sa.text(
                "INSERT INTO bare_rows (id, n) VALUES " + ",".join(f"({i}, 0)" for i in range(jobs))
            )
        )
    for i in range(jobs):
        bare_worker.bare(i)
    done, cpu, wall, server = measured(env, lambda: drain(bare_worker.huey), jobs)
    assert done == jobs
    return {"cpu_ms": cpu / jobs * 1000, "wall_ms": wall / jobs * 1000, "server_ms": server}


class Breakdown:
    """Exclusive CPU time per labelled call (a call inside another labelled one is taken out
    of its parent's share), for a one-thread drain."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self._stack: list[list[float]] = []

    def wrap(self, owner, name: str, label: str) -> None:
        inner = getattr(owner, name, None)
        if inner is None:  # an older revision without this part
            return

        def timed(*args, **kwargs):
            frame = [time.process_time(), 0.0]
            self._stack.append(frame)
            try:
                return inner(*args, **kwargs)
            finally:
                self._stack.pop()
                elapsed = time.process_time() - frame[0]
                self.totals[label] = self.totals.get(label, 0.0) + elapsed - frame[1]
                if self._stack:
                    self._stack[-1][1] += elapsed

        setattr(owner, name, timed)

    def install(self, container) -> None:
        import logging

        from sqlalchemy.engine import Connection
        from sqlalchemy.orm import Session

        import application.process_email as pe
        from adapters.huey import memory
        from adapters.sqlalchemy import job_writes
        from adapters.sqlalchemy.repository import SqlClaimLedger, SqlJobRepository
        from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
        from application.dispatcher import EventDispatcher
        from application.notify_match import NotifyMatch

        huey = container.huey_tasks().huey
        wraps = [
            (type(huey), "dequeue", "huey: dequeue"),
            (type(huey), "enqueue", "huey: enqueue (event hand-over)"),
            (type(huey), "execute", "huey: execute (rest)"),
            (pe.ProcessEmail, "__call__", "ProcessEmail (rest)"),
            (SqlAlchemyUnitOfWork, "__enter__", "unit of work: open"),
            (SqlAlchemyUnitOfWork, "__exit__", "unit of work: close"),
            (SqlAlchemyUnitOfWork, "_commit", "session commit (rest)"),
            (pe.ProcessEmail, "_claim", "ORM: claim (select + rest)"),
            (type(container.parser()), "clean", "cleaning (parser)"),
            (type(container.extractor()), "extract", "rules extraction"),
            (type(container.directory()), "candidates", "directory read"),
            (pe, "match_candidates", "matching (rapidfuzz, safety)"),
            (logging.Handler, "handle", "logging: render + write"),
            (memory.gc, "collect", "gc.collect"),
            (memory.MemoryGuard, "rss_mb", "RSS read"),
            (NotifyMatch, "__call__", "match notice task"),
            (SqlClaimLedger, "record", "ORM: ledger insert + directory claim"),
            (SqlJobRepository, "resume", "ORM: re-attach job"),
            (EventDispatcher, "dispatch", "event dispatch (rest)"),
            (logging.Logger, "_log", "logging: record (rest)"),
            (job_writes, "planned_write", "job write: plan, counter deltas"),
            (job_writes, "write", "job write: UPDATE, history, counters (prebuilt)"),
            (Session, "_flush", "ORM: flush (transitions)"),
            (Connection, "begin", "connection: BEGIN (+ writer lock)"),
        ]
        for owner, name, label in wraps:
            self.wrap(owner, name, label)
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        from adapters.sqlalchemy import counters

        hook = counters._after_flush
        self.wrap(counters, "_after_flush", "counters upsert")
        event.remove(Session, "after_flush", hook)
        event.listen(Session, "after_flush", counters._after_flush)

    def report(self, jobs: int, cpu: float) -> str:
        lines = ["| part | CPU ms/job |", "|---|---|"]
        for label, total in sorted(self.totals.items(), key=lambda kv: -kv[1]):
            lines.append(f"| {label} | {total / jobs * 1000:.2f} |")
        rest = cpu - sum(self.totals.values())
        lines.append(f"| outside these (drain loop) | {rest / jobs * 1000:.2f} |")
        lines.append(f"| **total** | {cpu / jobs * 1000:.2f} |")
        return "\n".join(lines)


def profiled(run, profile: str | None):
    if profile == "pyinstrument":
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005, async_mode="disabled")
        profiler.start()
        done, cpu, wall = run()
        profiler.stop()
        return done, cpu, wall, profiler.output_text(unicode=False, color=False, show_all=False)
    if profile == "cprofile":
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        done, cpu, wall = run()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(70)
        stats.sort_stats("tottime").print_stats(40)
        return done, cpu, wall, out.getvalue()
    done, cpu, wall = run()
    return done, cpu, wall, ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--profile", choices=["breakdown", "cprofile", "pyinstrument"])
    parser.add_argument("--no-bare", action="store_true")
    args = parser.parse_args()
    with environment(args.backend) as env:
        result = ours(env, args.jobs, args.log_level, args.profile)
        floor = None if args.no_bare else bare(env, args.jobs)
    print(result["report"])
    server = " + server {:.2f}" if args.backend == "postgres" else ""
    line = (
        f"{args.backend} log={args.log_level}: ours {result['cpu_ms']:.2f} ms CPU/job"
        f"{server.format(result['server_ms'])} ({result['wall_ms']:.2f} ms wall)"
    )
    if floor:
        line += (
            f"; floor {floor['cpu_ms']:.2f} ms CPU/job{server.format(floor['server_ms'])}"
            f" ({floor['wall_ms']:.2f} ms wall)"
        )
    print(line)


if __name__ == "__main__":
    main()
