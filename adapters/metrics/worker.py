"""The worker's own process metrics (memory, CPU, open files, GC) on WORKER_METRICS_PORT.

Job counts are not served here: the web's /metrics reads them from SQL, for every worker on
every host at once. A scrape of this port failing is how Prometheus sees a worker down.
"""

from __future__ import annotations

from prometheus_client import REGISTRY, start_http_server

from adapters.metrics.build_info import BuildInfo


def serve_worker_metrics(port: int, address: str = "0.0.0.0") -> None:
    REGISTRY.register(BuildInfo())
    start_http_server(port, addr=address, registry=REGISTRY)
