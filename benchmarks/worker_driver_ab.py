"""In-process A/B of the unit of work's driver-level transaction (driver_write.DriverWrite): one
process, one consumer thread, jobs alternated between the session's transaction (the driver
path switched off by wrapping unit_of_work.can_drive) and the driver level; CPU per job by
`time.process_time` around each `huey.execute`. Steadier than separate runs on a shared
machine. Run: .venv/bin/python -m benchmarks.worker_driver_ab [--backend sqlite] [--jobs 1200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

from benchmarks.harness import environment


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1200)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    with environment(args.backend) as env:
        from benchmarks.worker import email
        from tests.fixtures.pipeline import FIXTURES

        os.environ.update({**env, "LOG_LEVEL": "WARNING"})
        stderr, sys.stderr = sys.stderr, open(os.devnull, "w")  # noqa: SIM115 - the log stream
        try:
            import entrypoints.worker as worker
        finally:
            sys.stderr = stderr
        from adapters.sqlalchemy import unit_of_work

        real = unit_of_work.can_drive
        driver = {"on": True}
        unit_of_work.can_drive = lambda engine: driver["on"] and real(engine)
        container = worker.container
        container.sql_directory().import_directory(
            json.loads((FIXTURES / "directory.json").read_text())
        )
        huey = worker.huey
        receive, clock = container.receive_email(), container.clock()
        for n in range(20):  # warm-up
            receive(email(n, clock))
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
        for n in range(20, 20 + args.jobs):
            receive(email(n, clock))
        times: dict[bool, list[float]] = {True: [], False: []}
        n = 0
        while (task := huey.dequeue()) is not None:
            driver["on"] = n % 2 == 1
            start = time.process_time()
            huey.execute(task)
            times[driver["on"]].append(time.process_time() - start)
            n += 1
    for on, label in ((False, "session transaction"), (True, "driver level")):
        values = sorted(times[on])
        cut = len(values) // 10
        trimmed = values[cut : len(values) - cut]
        print(
            f"{args.backend} {label}: {len(values)} jobs, CPU ms a job: mean "
            f"{statistics.mean(values) * 1000:.3f}, trimmed (middle 80 %) "
            f"{statistics.mean(trimmed) * 1000:.3f}, median {statistics.median(values) * 1000:.3f}"
        )


if __name__ == "__main__":
    main()
