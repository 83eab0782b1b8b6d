"""The worker entrypoint: `huey_consumer entrypoints.worker.huey`.

Builds the one container (same wiring as web and CLI); its `huey_tasks` declares every task
and periodic schedule (adapters/huey/tasks.py) on the Huey instance the consumer runs.
"""

from __future__ import annotations

import logging

from adapters.huey.memory import freeze_startup_heap
from entrypoints.container import build_container
from entrypoints.logging_config import configure_logging

container = build_container()
_settings = container.settings()
configure_logging(_settings.log_format, _settings.log_level)
if _settings.worker_metrics_port:
    from adapters.metrics.worker import serve_worker_metrics

    serve_worker_metrics(_settings.worker_metrics_port)
huey = container.huey_tasks().huey
# Build the processing pipeline once (imports the extractor, parser, similarity), then keep
# that start-up heap out of the per-job gc.collect(): see freeze_startup_heap.
container.process_email()
freeze_startup_heap()


@huey.on_startup()
def _one_log_stream() -> None:
    # huey_consumer adds its own handler to the "huey" logger after importing this module;
    # the root handler already renders those records (JSON in production), so drop it.
    logging.getLogger("huey").handlers.clear()
