"""MirrorClaims, ReconcileMirror and AuditMirror on fakes (SPEC §6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from application.audit_mirror import AuditMirror
from application.mirror_claims import MirrorClaims
from application.mirror_ports import LedgerEntry, MirroredClaim, MirrorLedger
from application.reconcile_mirror import ReconcileMirror
from domain.errors import TransientError
from domain.values import ClaimUpdate
from tests.fakes import FakeClock, FakeMirror

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


class FakeLedger(MirrorLedger):
    def __init__(self) -> None:
        self.rows: dict[str, LedgerEntry] = {}
        self.reports = []

    def add(
        self, creditor: str, amount: str, at: datetime, client: str = "M-1", job: str | None = None
    ) -> str:
        claim = ClaimUpdate(
            job or f"job-{len(self.rows)}", client, creditor, Decimal(amount), "EUR", at
        )
        self.rows[claim.idempotency_key] = LedgerEntry(claim.idempotency_key, claim, None)
        return claim.idempotency_key

    def get(self, key):
        return self.rows.get(key)

    def unmirrored(self, limit, older_than=None):
        rows = [
            r
            for r in self.rows.values()
            if r.mirrored_at is None and (older_than is None or r.claim.created_at < older_than)
        ]
        return sorted(rows, key=lambda r: r.claim.created_at)[:limit]

    def count_unmirrored(self, since, older_than=None):
        return len([r for r in self.unmirrored(10**6, older_than) if r.claim.created_at >= since])

    def mark_mirrored(self, key, at):
        entry = self.rows[key]
        if entry.mirrored_at is None:
            self.rows[key] = LedgerEntry(key, entry.claim, at)

    def latest_per_creditor(self, since):
        latest: dict = {}
        for entry in sorted(self.rows.values(), key=lambda r: r.claim.created_at):
            if entry.claim.created_at >= since:
                latest[(entry.claim.client_id, entry.claim.creditor_id)] = entry
        return list(latest.values())

    def save_report(self, report):
        self.reports.append(report)


@pytest.fixture
def parts():
    clock = FakeClock(T0 + timedelta(hours=1))
    return FakeLedger(), FakeMirror(), clock


def test_push_applies_once_and_marks_mirrored(parts):
    ledger, mirror, clock = parts
    key = ledger.add("C-1", "812.40", T0)
    push = MirrorClaims(ledger, mirror, clock)
    assert push(key) is True
    assert mirror.shown[("M-1", "C-1")].amount == Decimal("812.40")
    assert ledger.rows[key].mirrored_at == clock.now()
    assert push(key) is False, "already mirrored: nothing to do"


def test_mirror_down_leaves_the_row_unmirrored_and_raises_transient(parts):
    ledger, mirror, clock = parts
    key = ledger.add("C-1", "812.40", T0)
    mirror.available = False
    with pytest.raises(TransientError):
        MirrorClaims(ledger, mirror, clock)(key)
    assert ledger.rows[key].mirrored_at is None
    mirror.available = True
    assert MirrorClaims(ledger, mirror, clock).push_pending() == 1
    assert ledger.rows[key].mirrored_at is not None


def test_push_pending_stops_at_an_outage(parts):
    ledger, mirror, clock = parts
    ledger.add("C-1", "1.00", T0)
    ledger.add("C-2", "2.00", T0 + timedelta(minutes=1))
    mirror.available = False
    assert MirrorClaims(ledger, mirror, clock).push_pending() == 0
    assert ledger.count_unmirrored(T0 - timedelta(days=1)) == 2


def test_older_update_never_overwrites_a_newer_one(parts):
    ledger, mirror, clock = parts
    newer = ledger.add("C-1", "500.00", T0 + timedelta(minutes=10))
    older = ledger.add("C-1", "900.00", T0)
    push = MirrorClaims(ledger, mirror, clock)
    push(newer)
    assert push(older) is False
    assert mirror.shown[("M-1", "C-1")].amount == Decimal("500.00")
    assert ledger.rows[older].mirrored_at is not None, "handled, though it changed nothing"


def test_reconcile_repairs_an_injected_mismatch_and_reports(parts):
    ledger, mirror, clock = parts
    good = ledger.add("C-1", "100.00", T0)
    bad = ledger.add("C-2", "200.00", T0)
    MirrorClaims(ledger, mirror, clock).push_pending()
    mirror.shown[("M-1", "C-2")] = MirroredClaim(Decimal("999.99"), "EUR")  # edited by hand
    missing = ledger.add("C-3", "300.00", T0)  # never mirrored, portal lacks it
    report = ReconcileMirror(ledger, mirror, clock)(timedelta(hours=48))
    assert (report.checked, report.mismatches, report.repaired, report.errors) == (3, 2, 2, 0)
    assert mirror.shown[("M-1", "C-2")].amount == Decimal("200.00")
    assert mirror.shown[("M-1", "C-3")].amount == Decimal("300.00")
    assert ledger.rows[missing].mirrored_at is not None
    assert ledger.reports == [report]
    assert mirror.shown[("M-1", "C-1")].amount == Decimal("100.00"), "the consistent row stays"
    assert all(ledger.rows[key].mirrored_at is not None for key in (good, bad, missing))


def test_reconcile_with_the_mirror_down_reports_an_error(parts):
    ledger, mirror, clock = parts
    ledger.add("C-1", "100.00", T0)
    mirror.available = False
    report = ReconcileMirror(ledger, mirror, clock)()
    assert report.errors == 1 and report.repaired == 0
    assert ledger.reports == [report]


def test_audit_scores_and_plans(parts):
    ledger, mirror, clock = parts
    for n in range(19):
        ledger.add(f"C-{n}", "10.00", T0)
    MirrorClaims(ledger, mirror, clock).push_pending()
    healthy = AuditMirror(ledger, mirror, clock)(30)
    assert (healthy.checked, healthy.consistent, healthy.health_score, healthy.healthy) == (
        19,
        19,
        1.0,
        True,
    )
    assert healthy.plan == ["Nothing to do: the portal matches the ledger."]
    mirror.shown[("M-1", "C-0")] = MirroredClaim(Decimal("1.00"), "EUR")
    ledger.add("C-new", "5.00", T0 - timedelta(hours=3))  # unmirrored for hours: stalled
    result = AuditMirror(ledger, mirror, clock)(30)
    assert (result.checked, result.consistent, result.mismatched, result.missing_in_portal) == (
        20,
        18,
        2,
        1,
    )
    assert (result.unmirrored, result.stalled) == (1, 1)
    assert result.health_score == 0.9 and not result.healthy
    assert any("flask reconcile" in step for step in result.plan)


def test_audit_of_nothing_is_healthy(parts):
    ledger, mirror, clock = parts
    result = AuditMirror(ledger, mirror, clock)(30)
    assert result.checked == 0 and result.health_score == 1.0 and result.healthy


def test_audit_with_the_mirror_down_is_unhealthy(parts):
    ledger, mirror, clock = parts
    ledger.add("C-1", "1.00", T0)
    mirror.available = False
    result = AuditMirror(ledger, mirror, clock)(30)
    assert not result.mirror_reachable and not result.healthy
    assert "unreachable" in result.plan[0]


def test_audit_reports_the_row_count_before_stepping(parts):
    ledger, mirror, clock = parts
    for n in range(3):
        ledger.add(f"C-{n}", "10.00", T0)
    calls = []
    AuditMirror(ledger, mirror, clock)(
        30,
        progress=lambda n: calls.append(("step", n)),
        progress_total=lambda n: calls.append(("total", n)),
    )
    assert calls == [("total", 3), ("step", 1), ("step", 1), ("step", 1)]
