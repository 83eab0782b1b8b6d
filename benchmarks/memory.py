"""Memory: N jobs through one worker (huey_consumer, 3 threads, embedded SQLite default); RSS
of the worker process sampled every 1 000 jobs; a PNG plot of RSS over jobs.

Run: .venv/bin/python -m benchmarks.memory [--jobs 20000] [--plot benchmarks/results/memory.png]
Targets: peak RSS ≤ 150 MB; growth ≤ 5 % from job 1 000 to the last sample.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import psutil

from benchmarks.harness import environment
from benchmarks.worker import consumer, container_for, email, wait_completed
from tests.fixtures.pipeline import FIXTURES

BATCH = 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--plot", default="benchmarks/results/memory.png")
    args = parser.parse_args()
    samples: list[tuple[int, float]] = []
    with environment("sqlite") as env:
        env = {**env, "WORKER_MAX_RSS_MB": "400"}
        container = container_for(env)
        container.sql_directory().import_directory(
            json.loads((FIXTURES / "directory.json").read_text())
        )
        receive, queries, clock = (
            container.receive_email(),
            container.job_queries(),
            container.clock(),
        )
        with consumer(env) as process:
            worker = psutil.Process(process.pid)
            started = time.perf_counter()
            for done in range(BATCH, args.jobs + 1, BATCH):
                for n in range(done - BATCH, done):
                    receive(email(n, clock))
                wait_completed(queries, done)
                rss = worker.memory_info().rss / 1024 / 1024
                samples.append((done, round(rss, 1)))
                print(
                    f"{done:>6} jobs  RSS {rss:6.1f} MB  ({time.perf_counter() - started:.0f} s)",
                    flush=True,
                )
    peak = max(rss for _, rss in samples)
    first, last = samples[0][1], samples[-1][1]
    growth = (last - first) / first * 100
    print(
        f"peak {peak:.1f} MB; growth from job {samples[0][0]} to {samples[-1][0]}: {growth:+.1f} %"
    )
    _plot(samples, Path(args.plot))


def _plot(samples, path: Path) -> None:
    try:
        import matplotlib
    except ImportError:  # the `bench` extra: .venv/bin/pip install -e '.[bench]'
        print("matplotlib is not installed: no plot (pip install -e '.[bench]')")
        return

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    figure, axes = plt.subplots(figsize=(7, 3.5))
    axes.plot([n for n, _ in samples], [rss for _, rss in samples], marker="o")
    axes.set_xlabel("jobs processed")
    axes.set_ylabel("worker RSS (MB)")
    axes.set_title("creditor-inbox worker RSS over jobs (1 worker, 3 threads, SQLite)")
    axes.set_ylim(bottom=0)
    axes.grid(True, alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    print(f"plot: {path}")


if __name__ == "__main__":
    main()
