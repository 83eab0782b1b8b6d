"""MirrorClaims: push ledger rows to the portal's MongoDB after the SQL commit (SPEC §6).

The ledger is the source of truth; the mirror follows it idempotently. A mirror outage leaves
rows unmirrored (raised as TransientError so the task retries with backoff); the periodic
push picks up anything left behind. Nothing about the job depends on the mirror.
"""

from __future__ import annotations

import logging

from application.mirror_ports import ClaimMirror, MirrorLedger
from application.ports import Clock, MirrorUnavailable
from domain.errors import TransientError

log = logging.getLogger(__name__)


class MirrorClaims:
    def __init__(self, ledger: MirrorLedger, mirror: ClaimMirror, clock: Clock) -> None:
        self._ledger = ledger
        self._mirror = mirror
        self._clock = clock

    def __call__(self, idempotency_key: str) -> bool:
        """Push one row; True when the portal changed."""
        entry = self._ledger.get(idempotency_key)
        if entry is None:
            log.warning(
                "mirror_skipped",
                extra={"idempotency_key": idempotency_key, "reason": "no such ledger row"},
            )
            return False
        if entry.mirrored_at is not None:
            return False
        return self._push(entry)

    def push_pending(self, limit: int = 500) -> int:
        """Push unmirrored rows oldest first; stops at the first outage. Returns rows pushed."""
        pushed = 0
        for entry in self._ledger.unmirrored(limit):
            try:
                self._push(entry)
            except TransientError:
                break
            pushed += 1
        if pushed:
            log.info("mirror_backlog_pushed", extra={"rows": pushed})
        return pushed

    def _push(self, entry) -> bool:
        try:
            changed = self._mirror.apply(entry.claim, entry.idempotency_key)
        except MirrorUnavailable as exc:
            log.warning(
                "mirror_unavailable",
                extra={
                    "idempotency_key": entry.idempotency_key,
                    "job_id": entry.claim.job_id,
                    "error": str(exc),
                },
            )
            raise TransientError(str(exc), "MirrorUnavailable") from exc
        self._ledger.mark_mirrored(entry.idempotency_key, self._clock.now())
        log.info(
            "claim_mirrored",
            extra={
                "job_id": entry.claim.job_id,
                "idempotency_key": entry.idempotency_key,
                "changed": changed,
            },
        )
        return changed
