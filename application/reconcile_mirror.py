"""ReconcileMirror: compare the latest ledger amount per creditor with the portal and repair."""

from __future__ import annotations

import logging
from datetime import timedelta

from application.mirror_ports import ClaimMirror, MirrorLedger, ReconciliationReport
from application.ports import Clock, MirrorUnavailable

log = logging.getLogger(__name__)


class ReconcileMirror:
    def __init__(self, ledger: MirrorLedger, mirror: ClaimMirror, clock: Clock) -> None:
        self._ledger = ledger
        self._mirror = mirror
        self._clock = clock

    def __call__(self, lookback: timedelta = timedelta(hours=48)) -> ReconciliationReport:
        started = self._clock.now()
        since = started - lookback
        checked = mismatches = repaired = errors = 0
        for entry in self._ledger.latest_per_creditor(since):
            claim = entry.claim
            checked += 1
            try:
                shown = self._mirror.current(claim.client_id, claim.creditor_id)
                if (
                    shown is not None
                    and shown.amount == claim.amount
                    and shown.currency == claim.currency
                ):
                    if entry.mirrored_at is None:
                        self._ledger.mark_mirrored(entry.idempotency_key, self._clock.now())
                    continue
                mismatches += 1
                log.warning(
                    "mirror_mismatch",
                    extra={
                        "client_id": claim.client_id,
                        "creditor_id": claim.creditor_id,
                        "ledger_amount": str(claim.amount),
                        "portal_amount": None if shown is None else str(shown.amount),
                    },
                )
                if self._mirror.overwrite(claim, entry.idempotency_key):
                    self._ledger.mark_mirrored(entry.idempotency_key, self._clock.now())
                    repaired += 1
            except MirrorUnavailable as exc:
                errors += 1
                log.error("reconcile_mirror_unavailable", extra={"error": str(exc)})
                break
        report = ReconciliationReport(
            started_at=started,
            finished_at=self._clock.now(),
            lookback_hours=lookback.total_seconds() / 3600,
            checked=checked,
            mismatches=mismatches,
            repaired=repaired,
            unmirrored=self._ledger.count_unmirrored(since),
            errors=errors,
        )
        self._ledger.save_report(report)
        log.info(
            "reconciliation_finished",
            extra={
                "checked": checked,
                "mismatches": mismatches,
                "repaired": repaired,
                "errors": errors,
            },
        )
        return report
