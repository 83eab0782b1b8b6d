"""GetDashboard: the console's overview — counts, open reviews, 48 h activity, mirror, sweep."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from application.console.ports import ConsoleQueries
from application.console.views import Dashboard, HourBucket, MirrorHealth
from application.ports import Clock

CHART_HOURS = 48
DEFAULT_MAX_AGE = timedelta(seconds=3)


def hourly_buckets(
    now: datetime, received: list[datetime], completed: list[datetime], hours: int = CHART_HOURS
) -> list[HourBucket]:
    """One bucket per clock hour, oldest first, the current (partial) hour last."""
    current = now.replace(minute=0, second=0, microsecond=0)
    starts = [current - timedelta(hours=hours - 1 - i) for i in range(hours)]
    first = starts[0]
    received_counts = [0] * hours
    completed_counts = [0] * hours
    for stamps, counts in ((received, received_counts), (completed, completed_counts)):
        for stamp in stamps:
            index = int((stamp - first).total_seconds() // 3600)
            if 0 <= index < hours:
                counts[index] += 1
    return [
        HourBucket(start, received_counts[i], completed_counts[i]) for i, start in enumerate(starts)
    ]


class GetDashboard:
    """One per process: every open dashboard polls every few seconds, so a result younger than
    `max_age` is shared instead of counting the table again for each of them."""

    def __init__(
        self,
        queries: ConsoleQueries,
        clock: Clock,
        mirror_configured: bool,
        max_age: timedelta = DEFAULT_MAX_AGE,
    ) -> None:
        self._queries = queries
        self._clock = clock
        self._mirror_configured = mirror_configured
        self._max_age = max_age
        self._lock = threading.Lock()
        self._cached: Dashboard | None = None

    def __call__(self) -> Dashboard:
        with self._lock:
            cached = self._cached
            if cached is None or self._clock.now() - cached.now >= self._max_age:
                cached = self._cached = self._build()
            return cached

    def invalidate(self) -> None:
        """After an action in this process, show its effect at once."""
        with self._lock:
            self._cached = None

    def _build(self) -> Dashboard:
        now = self._clock.now()
        counts = self._queries.dashboard_counts(now)
        since = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=CHART_HOURS - 1)
        received, completed = self._queries.activity_since(since)
        report = counts.last_reconciliation or {}
        oldest = counts.oldest_open_review_at
        return Dashboard(
            now=now,
            status_counts=counts.status_counts,
            outcome_counts=counts.outcome_counts,
            open_reviews=counts.open_reviews,
            oldest_open_review_age_seconds=(now - oldest).total_seconds() if oldest else None,
            failed_last_24h=counts.failed_last_24h,
            hours=hourly_buckets(now, received, completed),
            mirror=MirrorHealth(
                configured=self._mirror_configured,
                last_report_at=report.get("finished_at"),
                checked=report.get("checked", 0),
                mismatches=report.get("mismatches", 0),
                unmirrored_claims=counts.unmirrored_claims,
            ),
            last_sweep_at=counts.last_sweep_at,
        )
