"""The console's part of the wiring: a sub-container of the main one (entrypoints/container.py)."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.console.dashboard import GetDashboard
from application.console.job_detail import GetJobDetail
from application.console.job_list import ListJobRows
from application.console.login import ConsoleLogin
from application.console.operator_actions import BulkRetry, RecordedSweep, RetryOneJob, RunSweepNow
from application.console.review_presence import MarkReviewing


def _queries(session_factory):
    from adapters.sqlalchemy.console_queries import SqlConsoleQueries

    return SqlConsoleQueries(session_factory)


def _store(kind: str, session_factory):
    from adapters.sqlalchemy import console_store

    return getattr(console_store, kind)(session_factory)


class ConsoleContainer(containers.DeclarativeContainer):
    settings = providers.Dependency()
    session_factory = providers.Dependency()
    clock = providers.Dependency()
    authenticate_password = providers.Dependency()
    # The main container passes these as `.provider`: each call builds a fresh use case.
    retry_job = providers.Dependency()
    recover_stalled_jobs = providers.Dependency()

    queries = providers.Singleton(_queries, session_factory)
    audit = providers.Singleton(_store, "SqlActionAudit", session_factory)
    login_failures = providers.Singleton(_store, "SqlLoginFailures", session_factory)
    maintenance_log = providers.Singleton(_store, "SqlMaintenanceLog", session_factory)
    presence = providers.Singleton(_store, "SqlReviewPresence", session_factory)

    login = providers.Factory(
        ConsoleLogin, authenticate=authenticate_password, failures=login_failures, clock=clock
    )
    dashboard = providers.Singleton(
        GetDashboard,
        queries=queries,
        clock=clock,
        mirror_configured=providers.Callable(lambda s: bool(s.mongodb_url), settings),
    )
    list_jobs = providers.Factory(ListJobRows, queries=queries)
    job_detail = providers.Factory(GetJobDetail, queries=queries)
    mark_reviewing = providers.Factory(MarkReviewing, presence=presence, clock=clock)
    recorded_sweep = providers.Factory(
        RecordedSweep, sweep=recover_stalled_jobs, runs=maintenance_log, clock=clock
    )
    retry_one = providers.Factory(RetryOneJob, retry=retry_job, audit=audit, clock=clock)
    bulk_retry = providers.Factory(
        BulkRetry, queries=queries, retry=retry_job, audit=audit, clock=clock
    )
    run_sweep = providers.Factory(RunSweepNow, sweep=recorded_sweep, audit=audit, clock=clock)
