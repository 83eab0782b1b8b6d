"""The one wiring of creditor-inbox (dependency-injector), shared by the web app, worker and CLI.

Adapters are imported lazily inside the factory functions, so a process only loads what it
uses (the web never imports anthropic; the worker without MONGODB_URL never touches pymongo).
Settings is one provider; its fields reach the others as `settings.provided.<field>`.
Tests swap any adapter with `container.<provider>.override(...)`. Views and CLI commands take
their collaborators with `@inject` and `Provide[Container.<provider>]` (wired by create_app).
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


# -- storage (adapters/sqlalchemy) -------------------------------------------------------------
def _engine(database_url: str):
    from adapters.sqlalchemy.engine import make_engine

    return make_engine(database_url)


def _session_factory(engine):
    from adapters.sqlalchemy.engine import make_session_factory

    return make_session_factory(engine)


def _unit_of_work(session_factory, dispatcher):
    from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork

    return SqlAlchemyUnitOfWork(session_factory, dispatcher)


def _job_queries(session_factory):
    from adapters.sqlalchemy.queries import SqlJobQueries

    return SqlJobQueries(session_factory)


def _sql_directory(session_factory):
    from adapters.sqlalchemy.directory import SqlClientDirectory

    return SqlClientDirectory(session_factory)


def _ledger(session_factory):
    from adapters.sqlalchemy.mirror_ledger import SqlMirrorLedger

    return SqlMirrorLedger(session_factory)


# -- queue (adapters/huey) ----------------------------------------------------------------------
def _huey(settings: Settings):
    from adapters.huey.app import make_huey

    return make_huey(settings.huey_name, settings.redis_url, settings.huey_sqlite_path)


def _memory_guard(max_rss_mb: int):
    from adapters.huey.memory import MemoryGuard

    return MemoryGuard(max_rss_mb)


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


def _similarity():
    from adapters.similarity import RapidFuzzSimilarity

    return RapidFuzzSimilarity()


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
    retry_policy = providers.Singleton(
        RetryPolicy,
        max_retries=settings.provided.retry_max_retries,
        min_backoff_seconds=settings.provided.retry_min_backoff_seconds,
        max_backoff_seconds=settings.provided.retry_max_backoff_seconds,
    )
    processing_settings = providers.Singleton(
        ProcessingSettings,
        lease=providers.Factory(timedelta, seconds=settings.provided.job_lease_seconds),
        match_threshold=settings.provided.match_threshold,
    )

    # The queue: Huey, its tasks (resolving use cases from this container at run time, so
    # there is no cycle), the TaskQueue port over them, and the one event dispatcher.
    huey = providers.Singleton(_huey, settings)
    memory_guard = providers.Singleton(_memory_guard, settings.provided.worker_max_rss_mb)
    huey_tasks = providers.Singleton(_huey_tasks, settings, huey, __self__, memory_guard)
    task_queue = providers.Singleton(_task_queue, huey_tasks)
    dispatcher = providers.Singleton(queue_dispatcher, task_queue)

    engine = providers.Singleton(_engine, settings.provided.database_url)
    session_factory = providers.Singleton(_session_factory, engine)
    unit_of_work = providers.Factory(_unit_of_work, session_factory, dispatcher)
    job_queries = providers.Singleton(_job_queries, session_factory)
    sql_directory = providers.Singleton(_sql_directory, session_factory)
    ledger = providers.Singleton(_ledger, session_factory)

    parser = providers.Singleton(_parser)
    extractor = providers.Selector(
        settings.provided.llm_provider,
        anthropic=providers.Singleton(_claude_extractor, settings),
        rules=providers.Singleton(_rules_extractor),
    )
    similarity = providers.Singleton(_similarity)
    directory = providers.Selector(
        providers.Callable(_directory_source, settings),
        mongo=providers.Singleton(_mongo_directory, settings),
        sql=sql_directory,
    )
    notifier = providers.Singleton(_notifier, settings)
    claim_mirror = providers.Singleton(_claim_mirror, settings)
    required_mirror = providers.Callable(_require_mirror, claim_mirror)

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
        grace=providers.Factory(timedelta, seconds=settings.provided.recovery_grace_seconds),
    )
    notify_permanent_failure = providers.Factory(
        NotifyPermanentFailure,
        uow_factory=unit_of_work.provider,
        notifier=notifier,
        clock=clock,
        admin_email=settings.provided.admin_email,
    )
    notify_match = providers.Factory(
        NotifyMatch,
        uow_factory=unit_of_work.provider,
        notifier=notifier,
        to=settings.provided.match_recipient,
    )
    mirror_claims = providers.Factory(
        MirrorClaims, ledger=ledger, mirror=required_mirror, clock=clock
    )
    reconcile_mirror = providers.Factory(
        ReconcileMirror, ledger=ledger, mirror=required_mirror, clock=clock
    )
    audit_mirror = providers.Factory(
        AuditMirror, ledger=ledger, mirror=required_mirror, clock=clock
    )
    list_jobs = providers.Factory(ListJobs, queries=job_queries)
    get_job = providers.Factory(GetJob, queries=job_queries)


def build_container(settings: Settings | None = None) -> Container:
    container = Container()
    if settings is not None:
        container.settings.override(providers.Object(settings))
    return container
