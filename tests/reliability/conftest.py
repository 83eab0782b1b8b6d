"""The reliability suite reuses the integration fixtures (real databases, Redis, workers)."""

from tests.integration.conftest import (  # noqa: F401
    _migrated_url,
    _session_engine,
    backend,
    database_url,
    engine,
    fresh_database_url,
    postgres_databases,
    session_factory,
    uow_factory,
)
from tests.integration.worker.conftest import (  # noqa: F401
    make_worker,
    messages_api,
    pipeline_worker,
    redis_url,
    smtp_server,
)
