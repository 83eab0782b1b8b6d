"""Metrics with real processes: gunicorn with several workers (multiprocess mode) and the
worker's own port (WORKER_METRICS_PORT)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from entrypoints.http.signature import sign
from entrypoints.settings import REPO_ROOT
from tests.integration.http.conftest import SECRET, payload

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the process exited at start"
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def samples(url: str) -> dict[tuple[str, tuple], float]:
    text = urllib.request.urlopen(url, timeout=5).read().decode()
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def post(url: str, body: dict) -> int:
    raw = json.dumps(body).encode()
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    request = urllib.request.Request(
        url + "/api/v1/webhooks/zendesk",
        data=raw,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Zendesk-Webhook-Signature": sign(SECRET, stamp, raw),
            "X-Zendesk-Webhook-Signature-Timestamp": stamp,
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


@pytest.fixture
def environment(database_url, tmp_path) -> dict:
    return {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "ZENDESK_WEBHOOK_SECRET": SECRET,
        "HUEY_SQLITE_PATH": str(tmp_path / "huey.sqlite3"),
        "HUEY_NAME": f"metrics-{tmp_path.name}",
        "LOG_LEVEL": "WARNING",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
    }


def test_the_webhook_counter_is_summed_over_gunicorn_workers(environment, tmp_path, backend):
    if backend != "sqlite":
        pytest.skip("the process model is the same on both databases")
    stale = tmp_path / "prometheus"
    stale.mkdir()
    (stale / "counter_99999.db").write_bytes(b"left over from a previous run")
    port = free_port()
    web = subprocess.Popen(
        [str(BIN / "gunicorn"), "wsgi:app", "--config", "gunicorn.conf.py", "--workers", "3",
         "--bind", f"127.0.0.1:{port}"],
        cwd=REPO_ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/healthz", web)
        assert not (stale / "counter_99999.db").exists(), "the directory is wiped at start"
        for n in range(12):
            assert post(url, payload(n)) == 200
        accepted = ("creditor_inbox_webhook_requests_total", (("result", "accepted"),))
        # Whichever worker answers the scrape, it reports all workers' requests.
        for _ in range(6):
            assert samples(url + "/metrics")[accepted] == 12
        # A worker that dies keeps its counts; gunicorn replaces it.
        pids = {int(p.name.split("_")[-1][:-3]) for p in stale.glob("counter_*.db")}
        os.kill(sorted(pids)[0], signal.SIGKILL)
        time.sleep(1.5)
        assert samples(url + "/metrics")[accepted] == 12
        jobs = samples(url + "/metrics")[("creditor_inbox_jobs", (("status", "queued"),))]
        assert jobs == 12
    finally:
        web.terminate()
        web.wait(timeout=30)


def test_the_worker_serves_its_process_metrics_on_its_port(environment, backend):
    if backend != "sqlite":
        pytest.skip("the process model is the same on both databases")
    port = free_port()
    environment = {**environment, "WORKER_METRICS_PORT": str(port)}
    environment.pop("PROMETHEUS_MULTIPROC_DIR")
    worker = subprocess.Popen(
        [str(BIN / "huey_consumer"), "entrypoints.worker.huey", "--workers", "1", "-n"],
        cwd=REPO_ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/metrics", worker)
        found = samples(f"http://127.0.0.1:{port}/metrics")
        names = {name for name, _ in found}
        assert "process_resident_memory_bytes" in names
        assert any(name == "creditor_inbox_build_info" for name in names)
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=30)
