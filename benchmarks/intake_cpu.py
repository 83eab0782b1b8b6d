"""Intake CPU per request, in process (Flask test client, SQLite): ours beside the reference.

CPU time is much steadier than req/s on a shared machine. `--profile` prints a cProfile of ours.
Run: .venv/bin/python -m benchmarks.intake_cpu [--requests 400] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import tempfile
import time
from datetime import UTC, datetime

from benchmarks.harness import BIN, ROOT, SECRET


def measure(which: str, requests: int, profile: bool) -> float:
    from entrypoints.http.signature import sign

    if which == "reference":
        from benchmarks.reference_app import app
    else:
        from wsgi import app
    client = app.test_client()
    run = os.urandom(4).hex()

    def post(n: int) -> None:
        body = json.dumps(
            {
                "ticket_id": 500_000 + n,
                "comment_id": n + 1,
                "message_id": f"<cpu-{run}-{n}@x>",
                "from_email": "forderungen@telekom.example",
                "body_text": "Gesamtforderung 812,40 EUR",
            }
        ).encode()
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        response = client.post(
            "/api/v1/webhooks/zendesk",
            data=body,
            content_type="application/json",
            headers={
                "X-Zendesk-Webhook-Signature": sign(SECRET, stamp, body),
                "X-Zendesk-Webhook-Signature-Timestamp": stamp,
            },
        )
        assert response.status_code == 200, response.data

    for n in range(50):
        post(n)
    profiler = cProfile.Profile(time.process_time) if profile else None
    if profiler:
        profiler.enable()
    started = time.process_time()
    for n in range(1000, 1000 + requests):
        post(n)
    cpu = (time.process_time() - started) / requests * 1000
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", choices=["reference", "ours"])
    args = parser.parse_args()
    if args.only:
        print(f"{measure(args.only, args.requests, args.profile):.2f}")
        return
    results = {}
    for which in ("reference", "ours"):
        tmp = tempfile.mkdtemp(prefix="creditor-inbox-cpu-")
        env = {
            **os.environ,
            "APP_ENV": "test",
            "ZENDESK_WEBHOOK_SECRET": SECRET,
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"sqlite:///{tmp}/cpu.sqlite3",
            "HUEY_SQLITE_PATH": f"{tmp}/huey.sqlite3",
            "HUEY_NAME": "cpu",
        }
        subprocess.run(
            [str(BIN / "alembic"), "upgrade", "head"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        # A fresh process per app, so neither pays for the other's imports or caches.
        command = [str(BIN / "python"), "-m", "benchmarks.intake_cpu", "--only", which]
        command += ["--requests", str(args.requests)] + (["--profile"] if args.profile else [])
        output = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        lines = output.stdout.decode().splitlines()
        results[which] = float(lines[-1])
        if args.profile and which == "ours":
            print("\n".join(lines[:-1]))
    print(f"ms CPU per request: reference {results['reference']:.2f}, ours {results['ours']:.2f}")
    print(f"ratio reference/ours: {results['reference'] / results['ours']:.2f}")


if __name__ == "__main__":
    main()
