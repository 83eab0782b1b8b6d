"""The SMTP notifier against a real SMTP server, the Huey queue adapter, the memory guard."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from adapters.huey.memory import MemoryGuard
from adapters.huey.queue import HueyTaskQueue
from adapters.smtp.notifier import SmtpNotifier
from application.ports import Message, NotificationError, QueueUnavailable
from tests.integration.worker.conftest import free_port


def test_smtp_sends_a_plain_text_message(smtp_server):
    sink, port = smtp_server
    notifier = SmtpNotifier("127.0.0.1", port, starttls=False, sender="inbox@practice.example")
    assert (
        notifier.send(Message("ops@practice.example", "Job failed", "Ticket 48213 – Forderung"))
        is True
    )
    [envelope] = sink.messages
    assert envelope.mail_from == "inbox@practice.example"
    assert envelope.rcpt_tos == ["ops@practice.example"]
    import email

    parsed = email.message_from_bytes(envelope.content)
    assert parsed["Subject"] == "Job failed"
    assert "Forderung" in parsed.get_payload(decode=True).decode()


def test_smtp_unset_is_skipped():
    assert SmtpNotifier(None).send(Message("a@b.example", "s", "b")) is False


def test_smtp_unreachable_is_a_notification_error():
    with pytest.raises(NotificationError):
        SmtpNotifier("127.0.0.1", free_port(), starttls=False, timeout=2).send(
            Message("a@b.example", "s", "b")
        )


def test_starttls_refused_is_a_notification_error(smtp_server):
    _, port = smtp_server
    with pytest.raises(NotificationError):
        SmtpNotifier("127.0.0.1", port, starttls=True, timeout=2).send(
            Message("a@b.example", "s", "b")
        )


class RecordingTask:
    def __init__(self, error=None):
        self.calls = []
        self.error = error

    def __call__(self, *args):
        if self.error:
            raise self.error
        self.calls.append(("call", args))

    def schedule(self, args=None, eta=None):
        if self.error:
            raise self.error
        self.calls.append(("schedule", args, eta))


class Tasks:
    def __init__(self, error=None, mirror=True):
        self.huey = Huey(error)
        self.process_email = RecordingTask(error)
        self.notify_permanent_failure = RecordingTask(error)
        self.notify_match = RecordingTask(error)
        self.recover_stalled_jobs = RecordingTask(error)
        self.mirror_claim = RecordingTask(error) if mirror else None


class Huey:
    def __init__(self, error=None):
        self.error = error

    def pending_count(self):
        if self.error:
            raise self.error
        return 0


def declared_tasks(huey, mirror=False, use_cases=None):
    from adapters.huey.tasks import HueyTasks

    return HueyTasks(huey, use_cases, MemoryGuard(10**6, stop=lambda: None), mirror=mirror)


def test_every_task_and_schedule_is_declared_in_one_place(tmp_path):
    from huey import SqliteHuey

    names = {}
    for mirror in (False, True):
        huey = SqliteHuey(f"names-{mirror}", filename=str(tmp_path / f"{mirror}.db"), utc=True)
        declared_tasks(huey, mirror=mirror)
        periodic = {task.__name__ for task in huey._registry._periodic_tasks}
        names[mirror] = {
            key.rsplit(".", 1)[-1]: key.rsplit(".", 1)[-1] in periodic
            for key in huey._registry._registry
        }
    assert names[False] == {
        "process_email": False,
        "notify_permanent_failure": False,
        "notify_match": False,
        "recover_stalled_jobs": True,
    }
    assert names[True] == names[False] | {
        "mirror_claim": False,
        "push_unmirrored_claims": True,
        "reconcile_mirror": True,
    }


def test_tasks_resolve_a_fresh_use_case_per_run(tmp_path):
    from huey import SqliteHuey

    calls = []

    class UseCases:
        def notify_match(self):
            return lambda job_id: calls.append(job_id)

    huey = SqliteHuey("resolve", filename=str(tmp_path / "r.db"), results=False, utc=True)
    huey.immediate = True
    tasks = declared_tasks(huey, use_cases=UseCases())
    tasks.notify_match("job-1")
    tasks.notify_match("job-2")
    assert calls == ["job-1", "job-2"]


def test_queue_passes_ids_and_the_retry_eta():
    tasks = Tasks()
    queue = HueyTaskQueue(tasks)
    eta = datetime(2026, 11, 20, 8, 0, 15, tzinfo=UTC)
    queue.enqueue_processing("job-1")
    queue.enqueue_processing("job-1", eta=eta)
    queue.enqueue_failure_alert("job-2")
    queue.enqueue_match_notice("job-3")
    queue.enqueue_mirror("key-1")
    assert tasks.process_email.calls == [("call", ("job-1",)), ("schedule", ("job-1",), eta)]
    assert tasks.notify_permanent_failure.calls == [("call", ("job-2",))]
    assert tasks.notify_match.calls == [("call", ("job-3",))]
    assert tasks.mirror_claim.calls == [("call", ("key-1",))]
    queue.ping()


def test_mirror_without_a_mirror_task_is_a_no_op():
    tasks = Tasks(mirror=False)
    HueyTaskQueue(tasks).enqueue_mirror("key-1")
    handed = [tasks.process_email, tasks.notify_permanent_failure, tasks.notify_match]
    assert [task.calls for task in handed] == [[], [], []], "nothing else was enqueued instead"


@pytest.mark.parametrize(
    "error",
    [
        RedisConnectionError("refused"),
        sqlite3.OperationalError("database is locked"),
        OSError("no route"),
    ],
)
def test_queue_outages_become_queue_unavailable(error):
    queue = HueyTaskQueue(Tasks(error))
    for call in (
        lambda: queue.enqueue_processing("j"),
        lambda: queue.enqueue_processing("j", eta=datetime.now(UTC) + timedelta(seconds=15)),
        lambda: queue.enqueue_failure_alert("j"),
        queue.ping,
    ):
        with pytest.raises(QueueUnavailable):
            call()


def test_real_huey_schedules_the_retry_at_the_eta(tmp_path):
    from huey import SqliteHuey

    huey = SqliteHuey("eta-test", filename=str(tmp_path / "h.db"), results=False, utc=True)
    queue = HueyTaskQueue(declared_tasks(huey))
    eta = datetime.now(UTC) + timedelta(seconds=240)
    queue.enqueue_processing("job-9", eta=eta)
    # Huey queues it with its ETA; a worker reading it early moves it to the schedule.
    [message] = huey.pending()
    assert message.args == ("job-9",)
    assert abs((message.eta.replace(tzinfo=UTC) - eta).total_seconds()) < 1


def test_sqlite_queue_commits_without_waiting_for_fsync_like_the_job_database(tmp_path):
    """Huey's SQLite storage: WAL with synchronous=NORMAL (1), as engine.py sets up the jobs'
    database, so a hand-over costs no fsync; a lost one is the sweep's to find."""
    from adapters.huey.app import make_huey

    huey = make_huey("sync-test", None, str(tmp_path / "h.db"))
    HueyTaskQueue(declared_tasks(huey)).enqueue_processing("job-1")
    assert huey.storage.conn.execute("pragma synchronous").fetchone()[0] == 1
    assert huey.storage.conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert [message.args for message in huey.pending()] == [("job-1",)]


def test_memory_guard_logs_collects_and_stops_once_over_the_limit():
    stops = []
    rss = {"value": 100 * 1024 * 1024}
    guard = MemoryGuard(150, stop=lambda: stops.append(True), rss=lambda: rss["value"])
    assert guard.after_job() == 100.0 and stops == []
    rss["value"] = 151 * 1024 * 1024
    guard.after_job()
    guard.after_job()
    assert stops == [True], "one stop request, however many jobs finish meanwhile"
    assert guard.stop_requested


def test_memory_guard_collects_after_every_job_and_freezes_after_the_warm_up_jobs(monkeypatch):
    from adapters.huey import memory

    calls = []
    monkeypatch.setattr(memory.gc, "collect", lambda: calls.append("collect"))
    monkeypatch.setattr(memory.gc, "freeze", lambda: calls.append("freeze"))
    guard = MemoryGuard(10**6, stop=lambda: None, rss=lambda: 0, freeze_after_jobs=(1, 3))
    for _ in range(4):
        guard.after_job()
    assert calls == ["collect", "freeze", "collect", "collect", "freeze", "collect"]


def test_queued_job_ids_lists_pending_and_scheduled_processing_messages(tmp_path):
    from huey import SqliteHuey

    huey = SqliteHuey("held-test", filename=str(tmp_path / "h.db"), results=False, utc=True)
    queue = HueyTaskQueue(declared_tasks(huey))
    queue.enqueue_processing("job-now")
    queue.enqueue_processing("job-later", eta=datetime.now(UTC) + timedelta(minutes=5))
    queue.enqueue_failure_alert("job-alert")
    assert queue.queued_job_ids() == {"job-now", "job-later"}


def test_starttls_verifies_the_server_certificate(monkeypatch):
    """STARTTLS is called with a verifying context (smtplib's default does not verify)."""
    import smtplib
    import ssl

    seen = {}

    class RecordingSMTP:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self, context=None):
            seen["context"] = context

        def login(self, *args):
            pass

        def send_message(self, message):
            pass

    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    SmtpNotifier("smtp.example", 587, username="u", password="p").send(
        Message("a@b.example", "s", "b")
    )
    context = seen["context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_mirror_retries_follow_the_shared_backoff_policy():
    # Before: a fixed 30 s between eight retries, whatever RETRY_* said.
    from huey import MemoryHuey

    from adapters.huey.memory import MemoryGuard
    from adapters.huey.tasks import HueyTasks
    from domain.errors import TransientError
    from domain.retry_policy import RetryPolicy

    calls = []

    def mirror(key):
        calls.append(key)
        raise TransientError("portal down", "MirrorUnavailable")

    huey = MemoryHuey("mirror-retries", results=False, utc=True)
    policy = RetryPolicy(max_retries=3, min_backoff_seconds=15, max_backoff_seconds=40, jitter=0)
    use_cases = SimpleNamespace(mirror_claims=lambda: mirror)
    tasks = HueyTasks(huey, use_cases, MemoryGuard(10_000), mirror=True, retry_policy=policy)
    tasks.mirror_claim("key-1")
    task = huey.dequeue()
    delays = []
    for _ in range(10):  # bounded: a broken retry count must fail, not hang
        task.eta = None  # run the retry now instead of waiting for its ETA
        before = datetime.now(UTC).replace(tzinfo=None)
        huey.execute(task)
        [task] = huey.scheduled() or [None]
        if task is None:
            break
        huey.storage.flush_schedule()
        delays.append(round((task.eta - before).total_seconds()))
    assert calls == ["key-1"] * 4  # one attempt and max_retries = 3 retries
    assert delays == [15, 30, 40]  # 15 · 2^(n-1), capped at RETRY_MAX_BACKOFF_SECONDS


def test_huey_run_lines_of_process_email_are_dropped_and_others_kept(tmp_path):
    import logging

    from huey import SqliteHuey

    from adapters.huey.app import TaskRunLinesFilter

    huey = SqliteHuey("lines-test", filename=str(tmp_path / "h.db"), results=False, utc=True)

    @huey.task(name="process_email")
    def process_email(job_id):
        return None

    @huey.task(name="notify_match")
    def notify_match(job_id):
        return None

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("huey")
    old_level = logger.level
    line_filter = TaskRunLinesFilter(frozenset({"process_email"}))
    logger.addFilter(line_filter)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        for enqueue in (process_email, notify_match):
            enqueue("job-1")
            huey.execute(huey.dequeue())
    finally:
        logger.removeFilter(line_filter)
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    lines = [r.getMessage() for r in records]
    assert not [line for line in lines if "process_email" in line], lines
    assert len([line for line in lines if "notify_match" in line]) == 2, lines


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_the_applications_huey_runs_a_task_without_reading_or_clearing_revocations(
    tmp_path, backend
):
    """Three of stock Huey's five storage operations per run were its revocation check and
    clean-up; the application never revokes (it stops work through the job row), so a run is
    the dequeue alone, and a revoke call fails loudly instead of being silently ignored."""
    from adapters.huey.app import make_huey

    redis_url = "redis://127.0.0.1:6379/0" if backend == "redis" else None
    huey = make_huey(f"no-revoke-{tmp_path.name}", redis_url, str(tmp_path / "h.db"), False)
    ran = []
    processed = SimpleNamespace(process_email=lambda: ran.append)
    tasks = declared_tasks(huey, use_cases=processed)
    try:
        tasks.process_email("job-1")
        touched = []
        for name in ("peek_many", "peek_data", "pop_data", "delete_data", "put_data"):
            method = getattr(huey.storage, name)
            setattr(
                huey.storage,
                name,
                lambda *a, _name=name, _method=method: touched.append(_name) or _method(*a),
            )
        huey.execute(huey.dequeue())
        assert ran == ["job-1"]
        assert touched == []
        with pytest.raises(NotImplementedError):
            huey.revoke_by_id("any-task")
        with pytest.raises(NotImplementedError):
            tasks.process_email.revoke()
    finally:
        huey.storage.flush_all()


def test_memory_guard_reads_the_rss_psutil_reports():
    import psutil

    guard = MemoryGuard(10**6, stop=lambda: None)
    assert abs(guard.rss_mb() - psutil.Process().memory_info().rss / 2**20) < 2
