"""gunicorn settings for the `web` process (gunicorn reads this file from the working directory).

Metrics: prometheus_client's multiprocess mode, so /metrics on any worker shows the webhook
counter summed over all workers. The directory (PROMETHEUS_MULTIPROC_DIR, default var/prometheus)
is emptied when the master starts, before any worker imports prometheus_client, and a dead
worker's files are marked so its live values drop out. Job numbers do not depend on this: they
are read from SQL at scrape time.
"""

from pathlib import Path

from adapters.metrics.multiprocess import mark_worker_dead, prepare_directory


def on_starting(server):
    prepare_directory(Path(__file__).resolve().parent / "var" / "prometheus")


def child_exit(server, worker):
    mark_worker_dead(worker.pid)
