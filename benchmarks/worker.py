"""Worker throughput and end-to-end latency with the rules extractor, beside a bare Huey task
doing the same number of commits, on SQLite storage and on PostgreSQL + Redis.

Run: .venv/bin/python -m benchmarks.worker [--jobs 1000] [--backend sqlite postgres] [--poll-hz 5]
     [--log-level WARNING] (ours at production's INFO writes a line per step; the floor none)
Targets: jobs/s ≥ 0.5 × the bare floor; idle e2e p50 ≤ 50 ms. With --poll-hz, the jobs list
(the API's read path: items, total, status_counts) is read that many times a second during
both drains, ours and the floor's, as a console dashboard would.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import threading
import time
from contextlib import contextmanager

import psutil
import sqlalchemy as sa

from benchmarks.harness import BIN, ROOT, environment, percentiles
from domain.values import InboundEmail
from entrypoints.container import build_container
from entrypoints.settings import Settings
from tests.fixtures.pipeline import FIXTURES


@contextmanager
def consumer(env: dict, target: str = "entrypoints.worker.huey"):
    process = subprocess.Popen(
        [
            str(BIN / "huey_consumer"),
            target,
            "-w",
            "3",
            "-k",
            "thread",
            "-d",
            "0.01",
            "-m",
            "0.05",
            "-C",
        ],
        cwd=ROOT,
        # huey_consumer puts its working directory on sys.path only when the import fails, so
        # the editable install would win: a checkout of other code (a `git archive` in /tmp,
        # run as "before") would drain with the installed project's consumer.
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextmanager
def polling(env: dict, hz: float):
    """Read the jobs list `hz` times a second in a thread until the block ends."""
    if not hz:
        yield None
        return
    queries = container_for(env).job_queries()
    stop = threading.Event()
    done = {"polls": 0}

    def poll():
        while not stop.wait(1 / hz):
            queries.list_jobs(None, 50, 0)
            done["polls"] += 1

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield done
    finally:
        stop.set()
        thread.join()


def cpu_seconds(process) -> float:
    """CPU time (user + system) the consumer process has used so far."""
    times = psutil.Process(process.pid).cpu_times()
    return times.user + times.system


def container_for(env: dict):
    keys = {f.upper() for f in Settings.__dataclass_fields__}
    return build_container(Settings.from_env({k: v for k, v in env.items() if k in keys}))


def email(n: int, clock) -> InboundEmail:
    return InboundEmail(
        ticket_id=700_000 + n,
        comment_id=n + 1,
        message_id=f"<worker-bench-{n}@x>",
        from_email="forderungen@telekom.example",
        from_name="Telekom",
        subject="AW: Az. 2024/1187",
        body_text="Ihre Mandantin Frau Jana Hoffmann: Gesamtforderung 812,40 EUR. Kundennummer: KD-4471-2290",
        received_at=clock.now(),
    )


def wait_started(progress, timeout: float = 300) -> None:
    """The drain is timed from the first commit: the consumers' start-up (imports, ~1 s on an
    idle machine, 20 s on a loaded one; ours imports more than the floor) is not throughput."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if progress():
            return
        time.sleep(0.02)
    raise TimeoutError("the consumer did not start")


def wait_completed(queries, total: int, timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if queries.list_jobs(None, 1, 0).status_counts["completed"] >= total:
            return
        time.sleep(0.1)
    raise TimeoutError("jobs did not complete")


def run_ours(env: dict, jobs: int, poll_hz: float = 0) -> dict:
    container = container_for(env)
    container.sql_directory().import_directory(
        json.loads((FIXTURES / "directory.json").read_text())
    )
    receive, queries, clock = container.receive_email(), container.job_queries(), container.clock()
    ids = [receive(email(n, clock)).job_id for n in range(jobs)]  # a backlog, then the worker
    with consumer(env) as process:
        wait_started(lambda: queries.list_jobs(None, 1, 0).status_counts["queued"] < jobs)
        started, cpu = time.perf_counter(), cpu_seconds(process)
        with polling(env, poll_hz):
            wait_completed(queries, jobs)
        elapsed, cpu = time.perf_counter() - started, cpu_seconds(process) - cpu
        # Idle end to end: one email at a time, from accepted (queued) to completed.
        idle = []
        for n in range(jobs, jobs + 50):
            job_id = receive(email(n, clock)).job_id
            while (job := queries.get_job(job_id)).completed_at is None:
                time.sleep(0.005)
            idle.append((job.completed_at - job.queued_at).total_seconds())
    assert len(ids) == jobs
    return {"jobs_per_s": jobs / elapsed, "idle": percentiles(idle), "cpu_ms": cpu / jobs * 1000}


def run_bare(env: dict, jobs: int, poll_hz: float = 0) -> dict:
    engine = sa.create_engine(
        env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg2://")
    )
    with engine.begin() as conn:
        conn.execute(
            sa.text("CREATE TABLE IF NOT EXISTS bare_rows (id INTEGER PRIMARY KEY, n INTEGER)")
        )
        conn.execute(sa.text("DELETE FROM bare_rows"))
        conn.execute(
            sa.text(
                "INSERT INTO bare_rows (id, n) VALUES " + ",".join(f"({i}, 0)" for i in range(jobs))
            )
        )
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "HUEY_NAME", "HUEY_SQLITE_PATH")})
    if env.get("REDIS_URL"):
        os.environ["REDIS_URL"] = env["REDIS_URL"]
    else:
        os.environ.pop("REDIS_URL", None)
    import importlib

    from benchmarks import bare_worker

    bare_worker = importlib.reload(bare_worker)  # module-level Huey/engine from *this* env
    for i in range(jobs):
        bare_worker.bare(i)

    def progress() -> int:
        with engine.connect() as conn:
            return conn.scalar(sa.text("SELECT COALESCE(SUM(n), 0) FROM bare_rows"))

    with consumer(env, "benchmarks.bare_worker.huey") as process, polling(env, poll_hz):
        wait_started(progress)
        started, cpu = time.perf_counter(), cpu_seconds(process)
        expected = jobs * bare_worker.COMMITS_PER_JOB
        while progress() < expected:
            time.sleep(0.05)
        elapsed, cpu = time.perf_counter() - started, cpu_seconds(process) - cpu
    engine.dispose()
    return {"jobs_per_s": jobs / elapsed, "cpu_ms": cpu / jobs * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--poll-hz", type=float, default=0, help="jobs list reads per second")
    parser.add_argument(
        "--log-level", default="WARNING", help="LOG_LEVEL of both consumers (INFO: production's)"
    )
    args = parser.parse_args()
    print(
        "| storage | list polled | ours jobs/s | bare floor jobs/s | ratio | idle e2e p50 ms "
        "| idle e2e p95 ms | consumer CPU ms/job ours / floor |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for backend in args.backend:
        with environment(backend, args.log_level) as env:
            ours = run_ours(env, args.jobs, args.poll_hz)
            bare = run_bare(env, args.jobs, args.poll_hz)
        label = "SQLite + Huey SQLite" if backend == "sqlite" else "PostgreSQL + Redis"
        polled = f"{args.poll_hz:g}/s" if args.poll_hz else "no"
        print(
            f"| {label} | {polled} | {ours['jobs_per_s']:.1f} | {bare['jobs_per_s']:.1f} | "
            f"{ours['jobs_per_s'] / bare['jobs_per_s']:.2f} | {ours['idle']['p50_ms']} | "
            f"{ours['idle']['p95_ms']} | {ours['cpu_ms']:.1f} / {bare['cpu_ms']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
