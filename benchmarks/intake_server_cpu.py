"""Intake CPU per request inside gunicorn: ours beside the reference, one worker each.

The CPU time of the gunicorn worker process (psutil) over signed posts from 2 client threads:
unlike req/s it hardly depends on what else runs on the machine, and unlike `intake_cpu` it
includes gunicorn's own HTTP handling, which both apps pay alike.
On PostgreSQL it also gives the CPU the database server's backends of the benchmark's database
(the connections' processes, which also flush the WAL at each commit) and Redis spent per
request over the same posts, which the machine's two cores pay as much as the worker's.
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


def _services(database: str) -> dict[str, list[psutil.Process]]:
    """The PostgreSQL backends connected to `database` (other sessions' work on the same server
    is left out) and the Redis server."""
    found: dict[str, list[psutil.Process]] = {"postgres": [], "redis": []}
    for process in psutil.process_iter(["name", "cmdline"]):
        name = process.info["name"] or ""
        title = " ".join(process.info["cmdline"] or [])
        if name.startswith("postgres") and f" {database} " in title:
            found["postgres"].append(process)
        elif name.startswith("redis"):
            found["redis"].append(process)
    return found


def _cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:  # a backend that ended since
            continue
        total += times.user + times.system
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    print(
        "| backend | app | worker ms CPU/request | PostgreSQL server ms CPU/request "
        "| Redis ms CPU/request | req/s (2 clients) | p50 ms |"
    )
    print("|---|---|---|---|---|---|---|")
    for backend in args.backend:
        with environment(backend) as env:
            for label, app in (("reference", "benchmarks.reference_app:app"), ("ours", "wsgi:app")):
                with gunicorn(app, env, workers=1) as url:
                    workers = _workers(url)
                    load(url, 100, 2)  # warm-up
                    # Backends started by the warm-up are in the list; ones that end are skipped.
                    services = (
                        _services(env["DATABASE_URL"].rsplit("/", 1)[1])
                        if backend == "postgres"
                        else {}
                    )
                    before = _cpu_seconds(workers)
                    service_before = {k: _cpu_seconds(v) for k, v in services.items()}
                    result = load(url, args.requests, 2)
                    cpu_ms = (_cpu_seconds(workers) - before) / args.requests * 1000
                    service_ms = {
                        k: f"{(_cpu_seconds(v) - service_before[k]) / args.requests * 1000:.2f}"
                        for k, v in services.items()
                    }
                print(
                    f"| {backend} | {label} | {cpu_ms:.2f} | {service_ms.get('postgres', '-')} "
                    f"| {service_ms.get('redis', '-')} | {result['rps']:.0f} | {result['p50_ms']} |"
                )


if __name__ == "__main__":
    main()
