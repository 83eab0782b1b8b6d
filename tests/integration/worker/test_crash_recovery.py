"""Crash recovery with real processes: kill -9 mid-job (SPEC §5.4), Redis down at intake
(§5.2), and the memory guard stopping a real consumer gracefully (§5.5)."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import redis
from sqlalchemy import func, select

from adapters.sqlalchemy.orm import claim_updates
from tests.integration.messages_api import GOOD, tool_response
from tests.integration.worker.conftest import free_port
from tests.integration.worker.support import consumer_process, post, wait_until


def test_worker_killed_mid_job_is_recovered_and_completes_once(
    pipeline_worker, messages_api, engine
):
    # The first extraction hangs (the worker is killed inside it); later ones answer at once.
    messages_api.replies.append((200, tool_response(GOOD), 60))
    worker = pipeline_worker(
        claude=True,
        start=False,
        job_lease_seconds=2,
        retry_min_backoff_seconds=0.5,
        retry_max_backoff_seconds=0.5,
    )
    job_id = post(worker)
    process = consumer_process(worker)
    try:
        # A generous bound: a consumer's start-up (imports) takes seconds on a loaded machine.
        wait_until(
            lambda: len(messages_api.requests) == 1,
            timeout=60,
            message="the worker to call the extractor",
        )
        assert worker.job(job_id).status.value == "processing"
    finally:
        process.kill()  # SIGKILL: no cleanup, no commit
        process.wait(timeout=10)
    assert worker.job(job_id).status.value == "processing", (
        "a killed worker leaves the job processing"
    )

    assert worker.container.recover_stalled_jobs()().expired_leases == [], "lease still running"
    time.sleep(2.1)
    report = worker.container.recover_stalled_jobs()()
    assert report.expired_leases == [job_id]
    job = worker.job(job_id)
    assert job.status.value == "queued" and job.last_error.type == "LeaseExpired"

    worker.start()
    job = worker.wait_for(job_id)
    assert job.status.value == "completed" and job.outcome.value == "matched"
    assert job.attempts == 2
    assert [h.result for h in job.history].count("lease expired, retry scheduled") == 1
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(claim_updates)) == 1
    assert len(messages_api.requests) == 2


@pytest.fixture
def throwaway_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server binary not installed")
    port = free_port()

    class Server:
        url = f"redis://127.0.0.1:{port}/0"
        process = None

        def start(self):
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            wait_until(self.answers, timeout=10, message="redis-server to start")

        def answers(self) -> bool:
            try:
                return redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
            except redis.RedisError:
                return False

        def stop(self):
            if self.process is not None:
                self.process.terminate()
                self.process.wait(timeout=10)
                self.process = None

    server = Server()
    server.start()
    yield server
    server.stop()


def test_redis_down_at_intake_still_accepts_and_the_sweep_hands_over_later(
    pipeline_worker, throwaway_redis
):
    worker = pipeline_worker("redis", start=False, redis_url=throwaway_redis.url)
    throwaway_redis.stop()

    from entrypoints.http.app import create_app

    ready = create_app(worker.container).test_client().get("/readyz")
    assert ready.status_code == 503 and ready.json["failed"] == ["queue"]
    job_id = post(worker)  # asserts 200
    job = worker.job(job_id)
    assert job.status.value == "queued", "durable although the hand-over failed"

    throwaway_redis.start()
    report = worker.container.recover_stalled_jobs()()
    assert report.requeued == [job_id]
    worker.start()
    assert worker.wait_for(job_id).outcome.value == "matched"


def test_memory_guard_stops_a_real_consumer_gracefully_after_its_job(pipeline_worker, engine):
    worker = pipeline_worker(start=False)
    job_id = post(worker)
    process = consumer_process(worker, WORKER_MAX_RSS_MB="1")
    try:
        output, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    log = output.decode(errors="replace")
    assert process.returncode == 0, log[-3000:]
    assert "worker_memory_limit_exceeded" in log
    assert worker.job(job_id).status.value == "completed", "the current job finished first"
    assert '"rss_mb"' in log and f'"job_id": "{job_id}"' in log
    # One log stream: huey_consumer's own plain handler is dropped (each line once, as JSON).
    assert log.count("Huey consumer started") == 1
    assert not any(line.startswith("[") for line in log.splitlines()), "no plain-format lines"
