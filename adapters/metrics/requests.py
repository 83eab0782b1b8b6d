"""The web's own counter (webhook answers), and the registry /metrics renders.

Under gunicorn each worker process counts in its own file in PROMETHEUS_MULTIPROC_DIR
(prometheus_client's multiprocess mode; see gunicorn.conf.py) and a scrape of any worker sums
them all. Without that variable (flask run, tests) the counter is the process's own.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from adapters.metrics.build_info import BuildInfo

disable_created_metrics()

WEBHOOK_RESULTS = (
    "accepted",
    "duplicate",
    "invalid_payload",
    "invalid_signature",
    "payload_too_large",
    "unsupported_media_type",
    "unavailable",
)
WEBHOOK_REQUESTS = Counter(
    "creditor_inbox_webhook_requests",
    "Webhook deliveries by how they were answered.",
    ["result"],
    registry=None,
)
# Every result present from the start, 0 included; the children are kept, so a count is one
# inc() rather than a labels() look-up under the metric's lock.
_WEBHOOK_COUNTS = {result: WEBHOOK_REQUESTS.labels(result) for result in WEBHOOK_RESULTS}


def count_webhook(result: str) -> None:
    child = _WEBHOOK_COUNTS.get(result)
    if child is not None:
        child.inc()


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def render(*collectors: Collector) -> tuple[bytes, str]:
    """One scrape: the request counter (all processes), build info and `collectors`."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        MultiProcessCollector(registry)
    else:
        registry.register(WEBHOOK_REQUESTS)
    registry.register(BuildInfo())
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry), CONTENT_TYPE_LATEST
