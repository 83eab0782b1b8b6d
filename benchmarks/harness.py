"""Shared benchmark plumbing: fresh databases, gunicorn servers, signed load, percentiles."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from entrypoints.http.signature import sign

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "bench-secret"
PG_ADMIN = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def environment(backend: str, log_level: str = "WARNING"):
    """Env vars for a fresh, migrated database of `backend` (sqlite | postgres); the apps at
    `log_level` (WARNING: no line per request or job)."""
    name = f"bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    tmp = tempfile.mkdtemp(prefix="creditor-inbox-bench-")
    env = {
        **os.environ,
        "APP_ENV": "test",
        "ZENDESK_WEBHOOK_SECRET": SECRET,
        "LOG_LEVEL": log_level,
        "LOG_FORMAT": "json",
        "HUEY_NAME": name,
        "HUEY_SQLITE_PATH": f"{tmp}/huey.sqlite3",
    }
    admin = None
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        env.pop("REDIS_URL", None)
    else:
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        env["DATABASE_URL"] = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"
        env["REDIS_URL"] = REDIS_URL
    subprocess.run(
        [str(BIN / "alembic"), "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    try:
        yield env
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                    ),
                    {"n": name},
                )
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            admin.dispose()
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(f"*{name}*"):
                client.delete(key)


@contextmanager
def gunicorn(app: str, env: dict, workers: int = 2, threads: int = 0):
    """`app` under gunicorn: `workers` sync workers, or with `threads` the Procfile's threaded
    worker class (entrypoints.gunicorn_worker.ReadDeadlineWorker, gthread) with that many
    threads per worker."""
    port = free_port()
    threaded = (
        [
            "--worker-class",
            "entrypoints.gunicorn_worker.ReadDeadlineWorker",
            "--threads",
            str(threads),
        ]
        if threads
        else []
    )
    log = open(tempfile.mktemp(prefix="gunicorn-", suffix=".log"), "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            app,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *threaded,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            break
        except urllib.error.HTTPError:
            break  # the reference app has no /healthz: a 404 means it is up
        except OSError:
            time.sleep(0.2)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        if process.returncode not in (0, -15):
            print(f"gunicorn {app} exited with {process.returncode}; log: {log.name}")


def payload(n: int, run: str) -> bytes:
    return json.dumps(
        {
            "ticket_id": 500_000 + n,
            # Unique per run too: the comment is a dedup key of its own (SPEC §10).
            "comment_id": int(run, 16) * 1_000_000 + n + 1,
            "message_id": f"<bench-{run}-{n}@x>",
            "from_email": "forderungen@telekom.example",
            "from_name": "Telekom",
            "subject": "AW: Az. 2024/1187",
            "body_text": "Ihre Mandantin Frau Jana Hoffmann: Gesamtforderung 812,40 EUR. Kundennummer: KD-4471-2290",
        }
    ).encode()


def post_signed(url: str, body: bytes) -> tuple[int, float]:
    timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    request = urllib.request.Request(
        url + "/api/v1/webhooks/zendesk",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Zendesk-Webhook-Signature": sign(SECRET, timestamp, body),
            "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            status = response.status
            response.read()
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - started


def load(url: str, requests: int, concurrency: int, rate: float | None = None) -> dict:
    """`requests` signed posts from `concurrency` threads; paced to `rate` req/s when given."""
    run = uuid.uuid4().hex[:8]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(requests))
    started = time.perf_counter()

    def client():
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            if rate:
                delay = started + n / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            status, seconds = post_signed(url, payload(n, run))
            with lock:
                latencies.append(seconds)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"rps": statuses.get(200, 0) / elapsed, "statuses": statuses, **percentiles(latencies)}


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
    }
