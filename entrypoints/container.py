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
from application.job_queries import GetJob, ListJobs
from application.mirror_claims import MirrorClaims
from application.notify_match import NotifyMatch
from application.notify_permanent_failure import NotifyPermanentFailure
from application.poll_zendesk import PollZendesk
from application.process_email import ProcessEmail, ProcessingSettings
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
from application.write_back_to_zendesk import WriteBackToZendesk
from domain.retry_policy import RetryPolicy
from entrypoints.console.wiring import ConsoleContainer
from entrypoints.providers import (
    _attachment_reader,
    _claim_mirror,
    _claude_extractor,
    _clock,
    _counts_check,
    _cursor_store,
    _directory_source,
    _dispatcher,
    _engine,
    _huey,
    _huey_tasks,
    _intake_quarantine,
    _job_queries,
    _ledger,
    _memory_guard,
    _metrics_source,
    _mongo_directory,
    _notifier,
    _operational_counters,
    _parser,
    _poll_settings,
    _read_attachments,
    _read_session_factory,
    _require_mirror,
    _require_zendesk_api,
    _rules_extractor,
    _session_factory,
    _similarity,
    _sql_directory,
    _task_queue,
    _unit_of_work,
    _with_attachments,
    _zendesk_api,
)
from entrypoints.settings import Settings


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
