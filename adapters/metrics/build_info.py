"""creditor_inbox_build_info{version}: which version a web or worker process runs."""

from __future__ import annotations

from importlib import metadata

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


def version() -> str:
    try:
        return metadata.version("creditor-inbox")
    except metadata.PackageNotFoundError:
        return "unknown"


class BuildInfo(Collector):
    def collect(self):
        info = GaugeMetricFamily(
            "creditor_inbox_build_info", "The running version (always 1).", labels=["version"]
        )
        info.add_metric([version()], 1)
        yield info
