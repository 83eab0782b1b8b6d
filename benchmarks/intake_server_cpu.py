"""Intake CPU per request inside gunicorn: ours beside the reference, one worker each.

The CPU time of the gunicorn worker process (psutil) over signed posts from 2 client threads:
unlike req/s it hardly depends on what else runs on the machine, and unlike `intake_cpu` it
includes gunicorn's own HTTP handling, which both apps pay alike.
Run: .venv/bin/python -m benchmarks.intake_server_cpu [--requests 400] [--backend sqlite postgres]
"""

from __future__ import annotations

import argparse

import psutil

from benchmarks.harness import environment, gunicorn, load


def _workers(url: str) -> list[psutil.Process]:
    bind = url.removeprefix("http://")
    masters = [
        process
        for process in psutil.process_iter(["cmdline"])
        if bind in " ".join(process.info["cmdline"] or [])
    ]
    return [child for master in masters for child in master.children()]


def _cpu_seconds(processes: list[psutil.Process]) -> float:
    return sum(process.cpu_times().user + process.cpu_times().system for process in processes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    print("| backend | app | worker ms CPU/request | req/s (2 clients) | p50 ms |")
    print("|---|---|---|---|---|")
    for backend in args.backend:
        with environment(backend) as env:
            for label, app in (("reference", "benchmarks.reference_app:app"), ("ours", "wsgi:app")):
                with gunicorn(app, env, workers=1) as url:
                    workers = _workers(url)
                    load(url, 100, 2)  # warm-up
                    before = _cpu_seconds(workers)
                    result = load(url, args.requests, 2)
                    cpu_ms = (_cpu_seconds(workers) - before) / args.requests * 1000
                print(
                    f"| {backend} | {label} | {cpu_ms:.2f} | {result['rps']:.0f} "
                    f"| {result['p50_ms']} |"
                )


if __name__ == "__main__":
    main()
