"""Worker harness: real Huey consumers (SQLite storage or Redis) on the real databases.

- `redis_url`: the local Redis (fails under REQUIRE_SERVICES=1 when it is down, else skips)
- `make_worker(huey_backend, **settings)`: a container wired like production, with a consumer
  running in threads; test-only overrides: the memory guard (it must never signal pytest)
- `pipeline_worker(huey_backend, claude=, smtp=, directory=, **settings)`: make_worker with the
  usual set-up (signed webhooks, the fixture directory, Claude via `messages_api`, alerts to
  `smtp_server`), so each test states only what differs
- `smtp_server`: a real SMTP server (aiosmtpd) collecting messages
- `messages_api`: a local Messages API server for the Claude adapter (scripted replies)
"""

from __future__ import annotations

import contextlib
import socket
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from aiosmtpd.controller import Controller
from dependency_injector import providers

from adapters.huey.memory import MemoryGuard
from entrypoints.container import build_container
from entrypoints.settings import Settings
from tests.integration.conftest import unavailable
from tests.integration.messages_api import MessagesServer
from tests.integration.worker.support import ADMIN_EMAIL, SECRET, import_directory

REDIS_URL = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {REDIS_URL} is not reachable: {exc}")
    return REDIS_URL


class Worker:
    def __init__(self, container) -> None:
        self.container = container
        self.huey = container.huey()
        self.queue = container.task_queue()
        self.consumer = None

    def start(self) -> Worker:
        consumer = self.huey.create_consumer(
            workers=2,
            worker_type="thread",
            periodic=False,
            initial_delay=0.05,
            max_delay=0.2,
            check_worker_health=False,
            scheduler_interval=1,
        )
        consumer._set_signal_handlers = lambda: None  # pytest owns the signals
        consumer.start()
        self.consumer = consumer
        return self

    def stop(self) -> None:
        if self.consumer is not None:
            self.consumer.stop(graceful=True)
            self.consumer = None

    def job(self, job_id: str):
        return self.container.job_queries().get_job(job_id)

    def wait_for(self, job_id: str, statuses=("completed", "failed"), timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(job_id)
            if job is not None and job.status.value in statuses:
                return job
            time.sleep(0.05)
        raise AssertionError(
            f"job {job_id} not in {statuses} after {timeout}s: {self.job(job_id)!r}"
        )


@pytest.fixture
def make_worker(database_url, tmp_path, request) -> Iterator:
    workers: list[Worker] = []
    names: list[tuple[str, str | None]] = []

    def factory(huey_backend: str = "sqlite", start: bool = True, **overrides) -> Worker:
        name = f"test-{uuid.uuid4().hex[:10]}"
        redis_url = overrides.pop("redis_url", None)
        if huey_backend == "redis" and redis_url is None:
            redis_url = request.getfixturevalue("redis_url")
        values = dict(
            app_env="test",
            database_url=database_url,
            huey_name=name,
            huey_sqlite_path=str(tmp_path / f"{name}.sqlite3"),
            redis_url=redis_url if huey_backend == "redis" else None,
            retry_min_backoff_seconds=1,
            retry_max_backoff_seconds=2,
            recovery_grace_seconds=0,
            log_level="WARNING",
        )
        values.update(overrides)
        container = build_container(Settings(**values))
        container.memory_guard.override(providers.Object(MemoryGuard(10**6, stop=lambda: None)))
        worker = Worker(container)
        workers.append(worker)
        names.append((name, values["redis_url"]))
        return worker.start() if start else worker

    yield factory
    for worker in workers:
        worker.stop()
    for name, url in names:
        if url:
            with contextlib.suppress(redis.RedisError):
                client = redis.Redis.from_url(url, socket_connect_timeout=1)
                for key in client.scan_iter(f"*{name}*"):
                    client.delete(key)


@pytest.fixture
def pipeline_worker(make_worker, request):
    def factory(
        huey_backend: str = "sqlite",
        *,
        claude: bool = False,
        smtp: bool = False,
        directory: bool = True,
        start: bool = True,
        **overrides,
    ) -> Worker:
        values: dict = {"zendesk_webhook_secret": SECRET}
        if claude:
            api = request.getfixturevalue("messages_api")
            values |= {"llm_provider": "anthropic", "anthropic_api_key": "k"}
            values["anthropic_base_url"] = api.url
        if smtp:
            _, port = request.getfixturevalue("smtp_server")
            values |= {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False}
            values["admin_email"] = ADMIN_EMAIL
        values.update(overrides)
        worker = make_worker(huey_backend, start=False, **values)
        if directory:
            import_directory(worker)
        return worker.start() if start else worker

    return factory


class SmtpSink:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[SmtpSink, int]]:
    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


@pytest.fixture
def messages_api() -> Iterator[MessagesServer]:
    server = MessagesServer()
    yield server
    server.close()
