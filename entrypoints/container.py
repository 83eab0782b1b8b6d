"""The one wiring of creditor-inbox (dependency-injector), shared by the web app, worker and CLI.

Adapters are imported lazily inside the factory functions, so a process only loads what it
uses (the web never imports anthropic; the worker without MONGODB_URL never touches pymongo).
Tests swap any adapter with `container.<provider>.override(...)`.
"""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from application.audit_mirror import AuditMirror
from application.dispatcher import queue_dispatcher
from application.job_queries import GetJob, ListJobs
from application.mirror_claims import MirrorClaims
from application.notify_match import NotifyMatch
from application.notify_permanent_failure import NotifyPermanentFailure
from application.process_email import ProcessEmail, ProcessingSettings
from application.receive_email import ReceiveEmail
from application.reconcile_mirror import ReconcileMirror
from application.recover_stalled_jobs import RecoverStalledJobs
from application.retry_job import RetryJob
from domain.retry_policy import RetryPolicy
from entrypoints.settings import Settings


def _clock():
    from adapters.clock import SystemClock

    return SystemClock()


def _retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_retries=settings.retry_max_retries,
        min_backoff_seconds=settings.retry_min_backoff_seconds,
        max_backoff_seconds=settings.retry_max_backoff_seconds,
    )


def _processing_settings(settings: Settings) -> ProcessingSettings:
    return ProcessingSettings(
        lease=timedelta(seconds=settings.job_lease_seconds),
        match_threshold=settings.match_threshold,
    )


# -- storage (adapters/sqlalchemy) -------------------------------------------------------------
def _engine(settings: Settings):
    from adapters.sqlalchemy.engine import make_engine

    return make_engine(settings.database_url)


def _session_factory(engine):
    from adapters.sqlalchemy.engine import make_session_factory

    return make_session_factory(engine)


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


# -- queue (adapters/huey) ----------------------------------------------------------------------
def _huey(settings: Settings):
    from adapters.huey.app import make_huey

    return make_huey(settings.huey_name, settings.redis_url, settings.huey_sqlite_path)


def _memory_guard(settings: Settings):
    from adapters.huey.memory import MemoryGuard

    return MemoryGuard(settings.worker_max_rss_mb)


def _huey_tasks(settings: Settings, huey, use_cases, memory_guard):
    from adapters.huey.tasks import HueyTasks

    return HueyTasks(huey, use_cases, memory_guard, mirror=bool(settings.mongodb_url))


def _task_queue(huey_tasks):
    from adapters.huey.queue import HueyTaskQueue

    return HueyTaskQueue(huey_tasks)


# -- the portal mirror (adapters/mongo) ---------------------------------------------------
def _claim_mirror(settings: Settings):
    if not settings.mongodb_url:
        return None
    from adapters.mongo.mirror import mongo_mirror_from_settings

    return mongo_mirror_from_settings(settings)


def _ledger_reader(session_factory):
    from adapters.sqlalchemy.mirror_ledger import SqlLedgerReader

    return SqlLedgerReader(session_factory)


def _require_mirror(mirror):
    if mirror is None:
        raise RuntimeError(
            "MONGODB_URL and MONGODB_DATABASE are not set: there is no portal mirror"
        )
    return mirror


# -- pipeline (adapters/parsing, rules, anthropic) ------------------------------------------
def _parser():
    from adapters.parsing.cleaner import EmailCleaner

    return EmailCleaner()


def _extractor(settings: Settings):
    if settings.llm_provider == "anthropic":
        from adapters.anthropic.extractor import ClaudeExtractor

        return ClaudeExtractor(
            api_key=settings.anthropic_api_key or "",
            model=settings.anthropic_model,
            base_url=settings.anthropic_base_url,
            timeout=settings.anthropic_timeout_seconds,
        )
    from adapters.rules.extractor import RulesExtractor

    return RulesExtractor()


def _similarity():
    from adapters.similarity import RapidFuzzSimilarity

    return RapidFuzzSimilarity()


def _directory(settings: Settings, sql_directory):
    if settings.mongodb_url:
        from adapters.mongo.directory import mongo_directory_from_settings

        return mongo_directory_from_settings(settings)
    return sql_directory


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


class Container(containers.DeclarativeContainer):
    __self__ = providers.Self()
    settings = providers.Singleton(Settings.from_env)

    clock = providers.Singleton(_clock)
    retry_policy = providers.Singleton(_retry_policy, settings)
    processing_settings = providers.Singleton(_processing_settings, settings)

    # The queue: Huey, its tasks (resolving use cases from this container at run time, so
    # there is no cycle), the TaskQueue port over them, and the one event dispatcher.
    huey = providers.Singleton(_huey, settings)
    memory_guard = providers.Singleton(_memory_guard, settings)
    huey_tasks = providers.Singleton(_huey_tasks, settings, huey, __self__, memory_guard)
    task_queue = providers.Singleton(_task_queue, huey_tasks)
    dispatcher = providers.Singleton(queue_dispatcher, task_queue)

    engine = providers.Singleton(_engine, settings)
    session_factory = providers.Singleton(_session_factory, engine)
    unit_of_work = providers.Factory(_unit_of_work, session_factory, dispatcher)
    job_queries = providers.Singleton(_job_queries, session_factory)
    sql_directory = providers.Singleton(_sql_directory, session_factory)
    operational_counters = providers.Singleton(_operational_counters, session_factory)
    counts_check = providers.Singleton(_counts_check, session_factory)
    metrics_source = providers.Singleton(_metrics_source, settings, session_factory)

    parser = providers.Singleton(_parser)
    extractor = providers.Singleton(_extractor, settings)
    similarity = providers.Singleton(_similarity)
    directory = providers.Singleton(_directory, settings, sql_directory)
    notifier = providers.Singleton(_notifier, settings)

    # -- use cases ---------------------------------------------------------------------------
    receive_email = providers.Factory(ReceiveEmail, uow_factory=unit_of_work.provider, clock=clock)
    process_email = providers.Factory(
        ProcessEmail,
        uow_factory=unit_of_work.provider,
        clock=clock,
        parser=parser,
        extractor=extractor,
        directory=directory,
        similarity=similarity,
        policy=retry_policy,
        settings=processing_settings,
    )
    retry_job = providers.Factory(RetryJob, uow_factory=unit_of_work.provider, clock=clock)
    recover_stalled_jobs = providers.Factory(
        RecoverStalledJobs,
        uow_factory=unit_of_work.provider,
        queue=task_queue,
        clock=clock,
        policy=retry_policy,
        grace=providers.Callable(lambda s: timedelta(seconds=s.recovery_grace_seconds), settings),
        counters=operational_counters,
    )
    notify_permanent_failure = providers.Factory(
        NotifyPermanentFailure,
        uow_factory=unit_of_work.provider,
        notifier=notifier,
        clock=clock,
        admin_email=providers.Callable(lambda s: s.admin_email or "", settings),
        counters=operational_counters,
    )
    notify_match = providers.Factory(
        NotifyMatch,
        uow_factory=unit_of_work.provider,
        notifier=notifier,
        to=providers.Callable(lambda s: s.match_recipient or "", settings),
    )
    claim_mirror = providers.Singleton(_claim_mirror, settings)
    ledger_reader = providers.Singleton(_ledger_reader, session_factory)
    mirror_claims = providers.Factory(
        MirrorClaims,
        ledger=ledger_reader,
        mirror=providers.Callable(_require_mirror, claim_mirror),
        clock=clock,
    )
    reconcile_mirror = providers.Factory(
        ReconcileMirror,
        ledger=ledger_reader,
        mirror=providers.Callable(_require_mirror, claim_mirror),
        clock=clock,
    )
    audit_mirror = providers.Factory(
        AuditMirror,
        ledger=ledger_reader,
        mirror=providers.Callable(_require_mirror, claim_mirror),
        clock=clock,
    )
    list_jobs = providers.Factory(ListJobs, queries=job_queries)
    get_job = providers.Factory(GetJob, queries=job_queries)


def build_container(settings: Settings | None = None) -> Container:
    container = Container()
    if settings is not None:
        container.settings.override(providers.Object(settings))
    return container
