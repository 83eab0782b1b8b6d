"""Ports of the MongoDB portal mirror (SPEC §6): the portal itself and the claim ledger as the
mirror, reconciliation and audit use it. Errors crossing them: application.ports.MirrorUnavailable
and StorageUnavailable."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.values import ClaimUpdate


class ClaimMirror(abc.ABC):
    """The client portal's MongoDB, which follows the SQL ledger."""

    @abc.abstractmethod
    def apply(self, claim: ClaimUpdate, idempotency_key: str) -> bool:
        """Apply one claim idempotently; an older claim never overwrites a newer one.
        Returns False when it was already applied (or is older). Raises MirrorUnavailable."""

    @abc.abstractmethod
    def current(self, client_id: str, creditor_id: str) -> MirroredClaim | None:
        """What the portal shows for this creditor now (None: creditor not in the portal)."""

    @abc.abstractmethod
    def overwrite(self, claim: ClaimUpdate, idempotency_key: str) -> bool:
        """Repair: set the portal to this (ledger) claim. False if the creditor is missing."""


@dataclass(frozen=True)
class MirroredClaim:
    amount: Decimal | None
    currency: str | None


@dataclass(frozen=True)
class LedgerEntry:
    idempotency_key: str
    claim: ClaimUpdate
    mirrored_at: datetime | None


@dataclass(frozen=True)
class ReconciliationReport:
    started_at: datetime
    finished_at: datetime
    lookback_hours: float
    checked: int
    mismatches: int
    repaired: int
    unmirrored: int
    errors: int


class MirrorLedger(abc.ABC):
    """The claim ledger as the portal mirror uses it: reads rows to push or compare, marks them
    mirrored, and saves reconciliation reports (it writes, so it is no mere reader)."""

    @abc.abstractmethod
    def get(self, idempotency_key: str) -> LedgerEntry | None: ...

    @abc.abstractmethod
    def unmirrored(self, limit: int, older_than: datetime | None = None) -> list[LedgerEntry]:
        """Oldest first; `older_than` keeps only rows created before it."""

    @abc.abstractmethod
    def count_unmirrored(self, since: datetime, older_than: datetime | None = None) -> int: ...

    @abc.abstractmethod
    def mark_mirrored(self, idempotency_key: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def latest_per_creditor(self, since: datetime) -> list[LedgerEntry]:
        """The newest ledger row of every creditor with a row created since `since`."""

    @abc.abstractmethod
    def save_report(self, report: ReconciliationReport) -> None: ...
