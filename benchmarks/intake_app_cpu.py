"""Intake CPU and wall time per request of the app alone: ours beside the reference, on
SQLite or PostgreSQL + Redis, each app in a fresh process.

The WSGI app is called with prebuilt environs (no HTTP server, no test client), so the figure
is the app's own work, its database round trips included (wall) or not (CPU).
Besides the whole run's CPU per request it gives the best and the median of its ten equal
batches: on a machine shared with other work the best batch is the steadiest figure (another
process's burst inflates some batches, never deflates one).
Run: .venv/bin/python -m benchmarks.intake_app_cpu [--requests 2000] [--backend sqlite postgres]
     [--profile] (pyinstrument of ours, wall clock) [--log-level WARNING] (INFO: production's,
     three lines per delivery, to a pipe)
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime

from benchmarks.harness import BIN, ROOT, SECRET, environment, payload


def _environ(n: int, stamp: str) -> dict:
    from entrypoints.http.signature import sign

    body = payload(n, "a1b2c3d4")
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/webhooks/zendesk",
        "SERVER_NAME": "bench",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE": sign(SECRET, stamp, body),
        "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP": stamp,
    }


def warmed_up(which: str, requests: int, warm_up: int):
    """`which` app after `warm_up` deliveries (imports, pools, prepared statements), the
    environs of `requests` further deliveries, a start_response and the statuses it saw."""
    if which == "reference":
        from benchmarks.reference_app import app
    else:
        from wsgi import app
    statuses: set[str] = set()

    def start_response(status, _headers, _exc_info=None):
        statuses.add(status)

    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for n in range(warm_up):
        b"".join(app(_environ(n, stamp), start_response))
    environs = [_environ(n, stamp) for n in range(1000, 1000 + requests)]
    return app, environs, start_response, statuses


def measure(which: str, requests: int, profile: bool) -> str:
    app, environs, start_response, statuses = warmed_up(which, requests, warm_up=200)
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
    size = max(requests // 10, 1)
    batches = []
    cpu, wall = time.process_time(), time.perf_counter()
    for start in range(0, requests, size):
        batch = time.process_time()
        for environ in environs[start : start + size]:
            b"".join(app(environ, start_response))
        batches.append((time.process_time() - batch) / len(environs[start : start + size]))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if profiler:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))
    assert statuses == {"200 OK"}, statuses
    best, median = min(batches) * 1000, statistics.median(batches) * 1000
    return f"{cpu / requests * 1000:.3f} {wall / requests * 1000:.3f} {best:.3f} {median:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", choices=["reference", "ours"])
    parser.add_argument("--log-level", default="WARNING", help="LOG_LEVEL of both apps")
    args = parser.parse_args()
    if args.only:
        print(measure(args.only, args.requests, args.profile))
        return
    print(
        "| backend | app | ms CPU/request | ms wall/request"
        " | ms CPU/request, best batch | median batch |"
    )
    print("|---|---|---|---|---|---|")
    for backend in args.backend:
        with environment(backend, args.log_level) as env:
            for which in ("reference", "ours"):
                command = [str(BIN / "python"), "-m", "benchmarks.intake_app_cpu"]
                command += ["--only", which, "--requests", str(args.requests)]
                if args.profile and which == "ours":
                    command.append("--profile")
                output = subprocess.run(
                    command, cwd=ROOT, env=env, check=True, capture_output=True, text=True
                ).stdout.splitlines()
                if args.profile and which == "ours":
                    print("\n".join(output[:-1]))
                cpu, wall, best, median = output[-1].split()
                print(f"| {backend} | {which} | {cpu} | {wall} | {best} | {median} |")


if __name__ == "__main__":
    main()
