"""Provider factory functions for the Container (entrypoints/container.py).

Adapters are imported lazily inside each function, so a process only loads what it uses.
"""

from __future__ import annotations

from datetime import timedelta

from application.dispatcher import queue_dispatcher
from application.poll_zendesk import PollSettings
from application.read_attachments import ReadAttachments
from application.write_back_to_zendesk import register_write_back
from entrypoints.settings import Settings


def _clock():
    from adapters.clock import SystemClock

    return SystemClock()


# -- storage (adapters/sqlalchemy) -------------------------------------------------------------
def _engine(database_url: str):
    from adapters.sqlalchemy.engine import make_engine

    return make_engine(database_url)


def _session_factory(engine):
    from adapters.sqlalchemy.engine import make_session_factory

    return make_session_factory(engine)


def _read_session_factory(engine):
    from adapters.sqlalchemy.engine import make_read_session_factory

    return make_read_session_factory(engine)


def _unit_of_work(session_factory, dispatcher):
    from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork

    return SqlAlchemyUnitOfWork(session_factory, dispatcher)


def _job_queries(session_factory):
    from adapters.sqlalchemy.queries import SqlJobQueries

    return SqlJobQueries(session_factory)


def _operational_counters(session_factory):
    from adapters.sqlalchemy.counts_store import SqlOperationalCounters

    return SqlOperationalCounters(session_factory)


def _counts_check(session_factory):
    from adapters.sqlalchemy.counts_store import SqlCountsCheck

    return SqlCountsCheck(session_factory)


def _metrics_source(settings: Settings, session_factory):
    from adapters.sqlalchemy.counts_store import SqlMetricsSource

    return SqlMetricsSource(session_factory, mirror_configured=bool(settings.mongodb_url))


def _sql_directory(session_factory):
    from adapters.sqlalchemy.directory import SqlClientDirectory

    return SqlClientDirectory(session_factory)


def _ledger(session_factory):
    from adapters.sqlalchemy.mirror_ledger import SqlMirrorLedger

    return SqlMirrorLedger(session_factory)


def _intake_quarantine(session_factory):
    from adapters.sqlalchemy.quarantine import SqlIntakeQuarantine

    return SqlIntakeQuarantine(session_factory)


# -- queue (adapters/huey) ----------------------------------------------------------------------
def _huey(settings: Settings):
    from adapters.huey.app import make_huey

    # The application never revokes a task (it stops work through the job row).
    return make_huey(
        settings.huey_name, settings.redis_url, settings.huey_sqlite_path, revocation=False
    )


# After these jobs the worker freezes what is alive (adapters/huey/memory.py: warm-up).
WARM_UP_JOBS = (1, 20)


def _memory_guard(max_rss_mb: int):
    from adapters.huey.memory import MemoryGuard

    return MemoryGuard(max_rss_mb, freeze_after_jobs=WARM_UP_JOBS)


def _huey_tasks(settings: Settings, huey, use_cases, memory_guard, retry_policy):
    from adapters.huey.tasks import HueyTasks

    api = settings.zendesk_api_url is not None
    return HueyTasks(
        huey,
        use_cases,
        memory_guard,
        mirror=bool(settings.mongodb_url),
        retry_policy=retry_policy,
        zendesk_write_back=api and settings.zendesk_write_back,
        zendesk_poll=api and settings.zendesk_poll_interval_seconds > 0,
    )


def _task_queue(huey_tasks):
    from adapters.huey.queue import HueyTaskQueue

    return HueyTaskQueue(huey_tasks)


# -- the portal mirror (adapters/mongo) ---------------------------------------------------
def _claim_mirror(settings: Settings):
    if not settings.mongodb_url:
        return None
    from adapters.mongo.mirror import mongo_mirror_from_settings

    return mongo_mirror_from_settings(settings)


def _require_mirror(mirror):
    if mirror is None:
        raise RuntimeError(
            "MONGODB_URL and MONGODB_DATABASE are not set: there is no portal mirror"
        )
    return mirror


def _mongo_directory(settings: Settings):
    from adapters.mongo.directory import mongo_directory_from_settings

    return mongo_directory_from_settings(settings)


def _directory_source(settings: Settings) -> str:
    return "mongo" if settings.mongodb_url else "sql"


# -- pipeline (adapters/parsing, rules, anthropic) ------------------------------------------
def _parser():
    from adapters.parsing.cleaner import EmailCleaner

    return EmailCleaner()


def _claude_extractor(settings: Settings):
    from adapters.anthropic.extractor import ClaudeExtractor

    return ClaudeExtractor(
        api_key=settings.anthropic_api_key or "",
        model=settings.anthropic_model,
        base_url=settings.anthropic_base_url,
        timeout=settings.anthropic_timeout_seconds,
    )


def _rules_extractor():
    from adapters.rules.extractor import RulesExtractor

    return RulesExtractor()


def _with_attachments(extractor):
    from adapters.parsing.attachment_sections import ExtractorWithAttachments

    return ExtractorWithAttachments(extractor)


def _similarity():
    from adapters.similarity import RapidFuzzSimilarity

    return RapidFuzzSimilarity()


# -- the Zendesk API (adapters/zendesk; SPEC §10) -------------------------------------------
def _zendesk_api(settings: Settings):
    """None without ZENDESK_EMAIL/ZENDESK_API_TOKEN: the API features stay off (and the
    worker does not import the HTTP client)."""
    if settings.zendesk_api_url is None:
        return None
    from adapters.zendesk.api import zendesk_api_from_settings

    return zendesk_api_from_settings(settings)


def _require_zendesk_api(api):
    if api is None:
        raise RuntimeError("the Zendesk API is not configured (ZENDESK_EMAIL, ZENDESK_API_TOKEN)")
    return api


def _cursor_store(session_factory):
    from adapters.sqlalchemy.zendesk_cursors import SqlCursorStore

    return SqlCursorStore(session_factory)


def _attachment_reader():
    from adapters.parsing.attachment_text import PdfTextReader

    return PdfTextReader()


def _read_attachments(settings: Settings, api, reader):
    """None without the API settings: the worker reads the email body alone."""
    if api is None:
        return None
    return ReadAttachments(api, reader, settings.zendesk_attachment_max_bytes)


def _dispatcher(settings: Settings, task_queue):
    dispatcher = queue_dispatcher(task_queue, match_notices=bool(settings.match_recipient))
    if settings.zendesk_write_back and settings.zendesk_api_url:
        register_write_back(dispatcher, task_queue)
    return dispatcher


def _poll_settings(settings: Settings) -> PollSettings:
    return PollSettings(interval=timedelta(seconds=max(1, settings.zendesk_poll_interval_seconds)))


# -- notifications (adapters/smtp) ----------------------------------------------------------
def _notifier(settings: Settings):
    from adapters.smtp.notifier import SmtpNotifier

    return SmtpNotifier(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
        sender=settings.smtp_from,
        timeout=settings.smtp_timeout_seconds,
    )
