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
from application.poll_zendesk import PollSettings, PollZendesk
from application.process_email import ProcessEmail, ProcessingSettings
from application.read_attachments import ReadAttachments
from application.receive_email import ReceiveEmail
from application.reconcile_mirror import ReconcileMirror
from application.recover_stalled_jobs import RecoverStalledJobs
from application.retry_job import RetryJob
from application.review.decide_review import DecideReview
from application.review.reopen_review import ReopenReview
from application.review.review_queue import ListOpenReviews, ReviewQueue
from application.review.search_directory import SearchDirectory
from application.users.authenticate import AuthenticatePassword, AuthenticateToken
from application.users.create_user import CreateUser
from application.users.issue_token import IssueToken
from application.users.manage_users import DisableUser, ListUsers
from application.write_back_to_zendesk import WriteBackToZendesk, register_write_back
from domain.retry_policy import RetryPolicy
from entrypoints.console.wiring import ConsoleContainer
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

    return make_huey(settings.huey_name, settings.redis_url, settings.huey_sqlite_path)


def _memory_guard(max_rss_mb: int):
    from adapters.huey.memory import MemoryGuard

    return MemoryGuard(max_rss_mb)


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
    """None without ZENDESK_EMAIL/ZENDESK_API_TOKEN: the API features stay off."""
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
    dispatcher = queue_dispatcher(task_queue)
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
    huey_tasks = providers.Singleton(
        _huey_tasks, settings, huey, __self__, memory_guard, retry_policy
    )
    task_queue = providers.Singleton(_task_queue, huey_tasks)
    dispatcher = providers.Singleton(_dispatcher, settings, task_queue)

    engine = providers.Singleton(_engine, settings.provided.database_url)
    session_factory = providers.Singleton(_session_factory, engine)
    unit_of_work = providers.Factory(_unit_of_work, session_factory, dispatcher)
    read_session_factory = providers.Singleton(_read_session_factory, engine)
    job_queries = providers.Singleton(_job_queries, read_session_factory)
    sql_directory = providers.Singleton(_sql_directory, session_factory)
    ledger = providers.Singleton(_ledger, session_factory)
    intake_quarantine = providers.Singleton(_intake_quarantine, session_factory)
    operational_counters = providers.Singleton(_operational_counters, session_factory)
    counts_check = providers.Singleton(_counts_check, session_factory)
    metrics_source = providers.Singleton(_metrics_source, settings, session_factory)

    parser = providers.Singleton(_parser)
    extractor = providers.Selector(
        settings.provided.llm_provider,
        anthropic=providers.Singleton(_claude_extractor, settings),
        rules=providers.Singleton(_rules_extractor),
    )
    # What the worker calls: the extractor, reading attachment texts after the body.
    pipeline_extractor = providers.Singleton(_with_attachments, extractor)
    similarity = providers.Singleton(_similarity)
    directory = providers.Selector(
        providers.Callable(_directory_source, settings),
        mongo=providers.Singleton(_mongo_directory, settings),
        sql=sql_directory,
    )
    notifier = providers.Singleton(_notifier, settings)
    claim_mirror = providers.Singleton(_claim_mirror, settings)
    required_mirror = providers.Callable(_require_mirror, claim_mirror)
    zendesk_api = providers.Singleton(_zendesk_api, settings)
    zendesk_cursors = providers.Singleton(_cursor_store, session_factory)
    attachment_reader = providers.Singleton(_attachment_reader)
    read_attachments = providers.Singleton(
        _read_attachments, settings, zendesk_api, attachment_reader
    )

    # -- use cases ---------------------------------------------------------------------------
    receive_email = providers.Factory(ReceiveEmail, uow_factory=unit_of_work.provider, clock=clock)
    process_email = providers.Factory(
        ProcessEmail,
        uow_factory=unit_of_work.provider,
        clock=clock,
        parser=parser,
        extractor=pipeline_extractor,
        directory=directory,
        similarity=similarity,
        policy=retry_policy,
        settings=processing_settings,
        attachments=read_attachments,
    )
    retry_job = providers.Factory(RetryJob, uow_factory=unit_of_work.provider, clock=clock)
    # The sweep itself; everyone runs it as `recover_stalled_jobs` (below), which records the run.
    sweep_stalled_jobs = providers.Factory(
        RecoverStalledJobs,
        uow_factory=unit_of_work.provider,
        queue=task_queue,
        clock=clock,
        policy=retry_policy,
        grace=providers.Factory(timedelta, seconds=settings.provided.recovery_grace_seconds),
        counters=operational_counters,
    )
    notify_permanent_failure = providers.Factory(
        NotifyPermanentFailure,
        uow_factory=unit_of_work.provider,
        notifier=notifier,
        clock=clock,
        admin_email=settings.provided.admin_email,
        counters=operational_counters,
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
    poll_zendesk = providers.Factory(
        PollZendesk,
        api=providers.Callable(_require_zendesk_api, zendesk_api),
        cursors=zendesk_cursors,
        receive_email=receive_email,
        clock=clock,
        settings=providers.Singleton(_poll_settings, settings),
    )
    write_back_to_zendesk = providers.Factory(
        WriteBackToZendesk,
        uow_factory=unit_of_work.provider,
        api=providers.Callable(_require_zendesk_api, zendesk_api),
        clock=clock,
    )
    list_jobs = providers.Factory(ListJobs, queries=job_queries)

    # -- review queue (SPEC §8) ---------------------------------------------------------------
    # Adapters named by import path: imported only when first resolved.
    review_queries = providers.Singleton(
        "adapters.sqlalchemy.review_queries.SqlReviewQueries", session_factory
    )
    decide_review = providers.Factory(DecideReview, uow_factory=unit_of_work.provider, clock=clock)
    reopen_review = providers.Factory(ReopenReview, uow_factory=unit_of_work.provider, clock=clock)
    list_open_reviews = providers.Factory(ListOpenReviews, queries=review_queries)
    review_queue = providers.Factory(ReviewQueue, queries=review_queries, clock=clock)
    search_directory = providers.Factory(SearchDirectory, queries=review_queries)

    # -- users and roles (SPEC §8) ------------------------------------------------------------
    user_store = providers.Singleton("adapters.sqlalchemy.users.SqlUserStore", session_factory)
    password_hasher = providers.Singleton("adapters.security.passwords.WerkzeugPasswordHasher")
    create_user = providers.Factory(
        CreateUser, users=user_store, hasher=password_hasher, clock=clock
    )
    issue_token = providers.Factory(IssueToken, users=user_store, clock=clock)
    list_users = providers.Factory(ListUsers, users=user_store)
    disable_user = providers.Factory(DisableUser, users=user_store)
    authenticate_password = providers.Singleton(
        AuthenticatePassword, users=user_store, hasher=password_hasher
    )
    authenticate_token = providers.Singleton(
        AuthenticateToken,
        users=user_store,
        clock=clock,
        static_token=settings.provided.jobs_api_token,
    )
    get_job = providers.Factory(GetJob, queries=job_queries)

    # -- web console (SPEC §9) ----------------------------------------------------------------
    console = providers.Container(
        ConsoleContainer,
        settings=settings,
        session_factory=session_factory,
        clock=clock,
        authenticate_password=authenticate_password,
        retry_job=retry_job.provider,
        recover_stalled_jobs=sweep_stalled_jobs.provider,
    )
    # Worker schedule, `flask jobs recover` and the console: the run time shows on the dashboard.
    recover_stalled_jobs = console.recorded_sweep


def build_container(settings: Settings | None = None) -> Container:
    container = Container()
    if settings is not None:
        container.settings.override(providers.Object(settings))
    return container
