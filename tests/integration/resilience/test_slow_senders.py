"""Slow senders cannot starve the web: gunicorn as the Procfile runs it (gthread + the
read-deadline worker), three connections trickling one byte a second, and a valid webhook
answered meanwhile. Timings are printed (run with -s) and recorded in benchmarks/README.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from entrypoints.http.signature import sign
from entrypoints.settings import REPO_ROOT
from tests.integration.conftest import migrate
from tests.integration.http.conftest import SECRET, payload
from tests.integration.resilience.private_postgres import free_port

pytestmark = [pytest.mark.slow, pytest.mark.timeout(90)]
READ_TIMEOUT_S = 3  # short, so the test sees the cut; production default: 10 s


def procfile_web_command(port: int) -> list[str]:
    line = next(
        line.split(":", 1)[1]
        for line in (REPO_ROOT / "Procfile").read_text().splitlines()
        if line.startswith("web:")
    )
    line = line.replace("${PORT:-5000}", str(port))
    line = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: os.environ.get(m[1], m[2]), line)
    argv = shlex.split(line)
    argv[0] = str(Path(sys.executable).parent / "gunicorn")
    return argv


@pytest.fixture
def gunicorn(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    migrate(database_url)
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "HUEY_SQLITE_PATH": str(tmp_path / "huey.sqlite3"),
        "ZENDESK_WEBHOOK_SECRET": SECRET,
        "LOG_LEVEL": "WARNING",
        "REQUEST_READ_TIMEOUT_SECONDS": str(READ_TIMEOUT_S),
        "WEB_CONCURRENCY": "2",
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        procfile_web_command(port),
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "gunicorn.log", "wb"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
    yield port, tmp_path / "gunicorn.log"
    process.terminate()
    process.wait(timeout=30)


class Trickler(threading.Thread):
    """Sends a (valid) webhook request one byte a second; records when the server cut it."""

    def __init__(self, port: int, body: bytes) -> None:
        super().__init__(daemon=True)
        head = (
            "POST /api/v1/webhooks/zendesk HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.data = head.encode() + body
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.started = time.monotonic()
        self.cut_after: float | None = None
        self.answer = b""

    def run(self) -> None:
        try:
            for byte in self.data:
                self.sock.sendall(bytes([byte]))
                time.sleep(1)
        except OSError:
            pass  # the server closed the connection: what we want to see
        finally:
            self.sock.settimeout(5)
            with contextlib.suppress(OSError):
                self.answer = self.sock.recv(200)
            self.cut_after = time.monotonic() - self.started
            self.sock.close()


def post_signed(port: int, body: bytes) -> tuple[int, float]:
    timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/webhooks/zendesk",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Zendesk-Webhook-Signature": sign(SECRET, timestamp, body),
            "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        },
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, time.monotonic() - started


def test_valid_webhook_is_answered_while_three_connections_trickle(gunicorn):
    port, log_path = gunicorn
    # Warm both workers' first request (lazy imports, first connection) out of the figures.
    warm = [post_signed(port, json.dumps(payload(n=90 + i, received_at=None)).encode())[1]
            for i in range(4)]  # fmt: skip
    body = json.dumps(payload(n=1, received_at=None)).encode()
    trickles = [Trickler(port, body) for _ in range(3)]
    for trickle in trickles:
        trickle.start()
    time.sleep(1.5)  # every trickler holds a thread by now

    timings = []
    for n in range(2, 5):
        status, seconds = post_signed(port, json.dumps(payload(n=n, received_at=None)).encode())
        assert status == 200
        timings.append(seconds)
    for trickle in trickles:
        trickle.join(timeout=READ_TIMEOUT_S + 10)
    cuts = [t.cut_after for t in trickles]
    print(
        f"\nslow senders: warm-up {', '.join(f'{s * 1000:.0f} ms' for s in warm)}; webhook answered in {', '.join(f'{s * 1000:.0f} ms' for s in timings)}"
        f" while 3 connections trickled; tricklers cut after "
        f"{', '.join(f'{c:.1f} s' for c in cuts if c is not None)} (read timeout {READ_TIMEOUT_S} s)"
    )
    # Each trickler was cut long before its ~400-byte request could finish.
    assert all(c is not None and c < len(t.data) for c, t in zip(cuts, trickles, strict=True))
    assert "request_read_timeout" in log_path.read_text()
