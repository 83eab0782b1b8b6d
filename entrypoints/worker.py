"""The worker entrypoint: `huey_consumer entrypoints.worker.huey`.

Builds the one container (same wiring as web and CLI); its `huey_tasks` declares every task
and periodic schedule (adapters/huey/tasks.py) on the Huey instance the consumer runs.
"""

from __future__ import annotations

import logging

from adapters.huey.app import TaskRunLinesFilter
from adapters.huey.memory import freeze_startup_heap
from entrypoints.container import build_container
from entrypoints.logging_config import configure_logging

container = build_container()
_settings = container.settings()
configure_logging(_settings.log_format, _settings.log_level, _settings.secret_values())
if _settings.worker_metrics_port:
    from adapters.metrics.worker import serve_worker_metrics

    serve_worker_metrics(_settings.worker_metrics_port)
huey = container.huey_tasks().huey
logging.getLogger("huey").addFilter(TaskRunLinesFilter(frozenset({"process_email"})))
# Build the processing pipeline once (imports the extractor, parser, similarity), then keep
# that start-up heap out of the per-job gc.collect(): see freeze_startup_heap.
container.process_email()
freeze_startup_heap()


_create_consumer = huey.create_consumer


def _create_consumer_with_one_log_stream(**options):
    # huey_consumer adds a plain handler to the "huey" logger after importing this module and
    # right before it creates the consumer; the root handler already renders those records
    # (JSON in production), so drop it here, before the consumer logs its first line.
    logging.getLogger("huey").handlers.clear()
    return _create_consumer(**options)


huey.create_consumer = _create_consumer_with_one_log_stream
