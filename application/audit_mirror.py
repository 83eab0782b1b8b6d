"""AuditMirror: how consistent is the portal with the ledger? A health score and a plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from application.mirror_ports import ClaimMirror, MirrorLedger
from application.ports import Clock, MirrorUnavailable

HEALTHY = 0.95
STALLED_AFTER = timedelta(hours=1)


@dataclass
class AuditResult:
    lookback_days: int
    checked: int = 0
    consistent: int = 0
    mismatched: int = 0
    missing_in_portal: int = 0
    unmirrored: int = 0
    stalled: int = 0
    mirror_reachable: bool = True
    plan: list[str] = field(default_factory=list)

    @property
    def health_score(self) -> float:
        return 1.0 if self.checked == 0 else round(self.consistent / self.checked, 4)

    @property
    def healthy(self) -> bool:
        return self.mirror_reachable and self.health_score >= HEALTHY

    def as_dict(self) -> dict:
        return {
            "lookback_days": self.lookback_days,
            "checked": self.checked,
            "consistent": self.consistent,
            "mismatched": self.mismatched,
            "missing_in_portal": self.missing_in_portal,
            "unmirrored": self.unmirrored,
            "stalled": self.stalled,
            "mirror_reachable": self.mirror_reachable,
            "health_score": self.health_score,
            "healthy": self.healthy,
            "plan": self.plan,
        }


class AuditMirror:
    def __init__(self, ledger: MirrorLedger, mirror: ClaimMirror, clock: Clock) -> None:
        self._ledger = ledger
        self._mirror = mirror
        self._clock = clock

    def __call__(
        self,
        lookback_days: int = 30,
        progress: Callable[[int], None] | None = None,
        progress_total: Callable[[int], None] | None = None,
    ) -> AuditResult:
        """`progress_total(n)` is told the row count first (the CLI sizes its bar), then
        `progress(1)` per row checked."""
        now = self._clock.now()
        since = now - timedelta(days=lookback_days)
        result = AuditResult(lookback_days=lookback_days)
        entries = list(self._ledger.latest_per_creditor(since))
        if progress_total:
            progress_total(len(entries))
        for entry in entries:
            claim = entry.claim
            result.checked += 1
            try:
                shown = self._mirror.current(claim.client_id, claim.creditor_id)
            except MirrorUnavailable:
                result.mirror_reachable = False
                break
            if shown is None:
                result.missing_in_portal += 1
                result.mismatched += 1
            elif shown.amount == claim.amount and shown.currency == claim.currency:
                result.consistent += 1
            else:
                result.mismatched += 1
            if progress:
                progress(1)
        result.unmirrored = self._ledger.count_unmirrored(since)
        result.stalled = self._ledger.count_unmirrored(since, older_than=now - STALLED_AFTER)
        result.plan = _plan(result)
        return result


def _plan(result: AuditResult) -> list[str]:
    plan = []
    if not result.mirror_reachable:
        plan.append(
            "MongoDB is unreachable: check MONGODB_URL and the server, then rerun `flask audit`."
        )
    if result.mismatched:
        plan.append(
            f"{result.mismatched} creditor(s) differ from the ledger "
            f"({result.missing_in_portal} missing in the portal): run `flask reconcile --lookback-hours "
            f"{result.lookback_days * 24}` to repair them from the ledger."
        )
    if result.stalled:
        plan.append(
            f"{result.stalled} ledger row(s) unmirrored for over an hour: check the worker's mirror task "
            "logs (mirror_unavailable), then run `flask reconcile`."
        )
    elif result.unmirrored:
        plan.append(
            f"{result.unmirrored} recent row(s) not mirrored yet: they are in flight; recheck later."
        )
    if not plan:
        plan.append("Nothing to do: the portal matches the ledger.")
    return plan
