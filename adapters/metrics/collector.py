"""The job metrics of SPEC §11, read from SQL at scrape time (SqlMetricsSource).

Every number here is the database's, so each web process (and each host) shows the same value
and it always agrees with the list endpoint's `status_counts`: sum these across instances
with max(), not sum(). The request counter of the web is in requests.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import structlog
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from adapters.sqlalchemy import counters as c
from adapters.sqlalchemy.counts_store import MetricsSnapshot
from application.ports import StorageUnavailable
from domain.errors import ErrorKind
from domain.values import JobStatus, Outcome

log = structlog.get_logger(__name__)
PREFIX = "creditor_inbox_"
RECOVERY_REASONS = ("lease_expired", "requeued")
AGE_KINDS = ("queued", "processing", "review")


class JobMetricsCollector(Collector):
    def __init__(
        self, snapshot: Callable[[datetime], MetricsSnapshot], clock: Callable[[], datetime]
    ) -> None:
        self._snapshot = snapshot
        self._clock = clock

    def collect(self) -> Iterator[Metric]:
        try:
            snap = self._snapshot(self._clock())
        except StorageUnavailable as exc:
            # No job numbers rather than wrong ones; the webhook counter (which shows the
            # 503s of this very outage) is still served. Alert on absent(creditor_inbox_jobs).
            log.warning("metrics_database_unavailable", error=str(exc))
            return
        values = snap.counters

        def count(name: str, label: str = "") -> int:
            return values.get((name, label), (0, 0.0))[0]

        jobs = GaugeMetricFamily(
            PREFIX + "jobs",
            "Jobs by current status (agrees with status_counts).",
            labels=["status"],
        )
        for status in JobStatus:
            jobs.add_metric([status.value], count(c.JOBS, status.value))
        yield jobs

        yield GaugeMetricFamily(
            PREFIX + "reviews_open",
            "Completed jobs waiting for a human review (outcome needs_review).",
            value=count(c.REVIEWS_OPEN),
        )

        ages = GaugeMetricFamily(
            PREFIX + "oldest_job_age_seconds",
            "Age of the oldest job waiting in each state (0 when none): queued and due, "
            "processing since its start, open review since completion.",
            labels=["status"],
        )
        for kind in AGE_KINDS:
            ages.add_metric([kind], snap.oldest_age_seconds.get(kind) or 0.0)
        yield ages

        yield _counter(
            "jobs_completed",
            "Jobs completed, by outcome.",
            "outcome",
            {o.value: count(c.COMPLETED, o.value) for o in Outcome},
        )
        yield _counter(
            "job_attempts_failed",
            "Failed attempts, by error kind.",
            "kind",
            {k.value: count(c.ATTEMPTS_FAILED, k.value) for k in ErrorKind},
        )
        yield _counter(
            "recovered_jobs",
            "Jobs the recovery sweep took back (lease expired, message lost).",
            "reason",
            {r: count(c.RECOVERED, r) for r in RECOVERY_REASONS},
        )
        alerts = CounterMetricFamily(
            PREFIX + "failure_alerts_sent", "Permanent-failure alert emails sent."
        )
        alerts.add_metric([], count(c.ALERTS_SENT))
        yield alerts

        wait = HistogramMetricFamily(
            PREFIX + "job_queue_wait_seconds",
            "Seconds from queued (or a retry falling due) to the attempt's start.",
        )
        buckets, total = _histogram(values, c.QUEUE_WAIT, "")
        wait.add_metric([], buckets, total)
        yield wait

        processing = HistogramMetricFamily(
            PREFIX + "job_processing_seconds",
            "Seconds from an attempt's start to completion, by outcome.",
            labels=["outcome"],
        )
        for outcome in Outcome:
            buckets, total = _histogram(values, c.PROCESSING, outcome.value)
            processing.add_metric([outcome.value], buckets, total)
        yield processing

        unmirrored = GaugeMetricFamily(
            PREFIX + "unmirrored_claims",
            "Ledger rows not yet applied to the MongoDB portal (0 when no mirror is configured).",
        )
        unmirrored.add_metric([], snap.unmirrored_claims or 0)
        yield unmirrored


def _counter(name: str, documentation: str, label: str, values: dict[str, int]):
    family = CounterMetricFamily(PREFIX + name, documentation, labels=[label])
    for value, number in values.items():
        family.add_metric([value], number)
    return family


def _histogram(values, name: str, label: str) -> tuple[list[tuple[str, float]], float]:
    """Cumulative Prometheus buckets from the per-bucket rows counters.py stores."""
    prefix = f"{label}|" if label else ""
    cumulative = 0
    buckets: list[tuple[str, float]] = []
    for bound in [*map(str, c.BUCKETS), c.INF]:
        cumulative += values.get((name + "_bucket", prefix + bound), (0, 0.0))[0]
        buckets.append((bound, cumulative))
    return buckets, values.get((name, label), (0, 0.0))[1]
