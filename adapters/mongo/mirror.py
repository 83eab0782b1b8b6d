"""The ClaimMirror port: the ledger's claims applied to the portal's embedded creditors.

Idempotent by the ledger's idempotency key (kept in `applied_update_keys`), and an older claim
never overwrites a newer one (`claim_updated_at` guard) — both inside one update_one.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import structlog
from bson.decimal128 import Decimal128

from adapters.mongo.client import clients_collection
from adapters.mongo.errors import translated
from application.mirror_ports import ClaimMirror, MirroredClaim
from domain.values import ClaimUpdate

log = structlog.get_logger(__name__)


def _values(claim: ClaimUpdate) -> dict:
    return {
        "creditors.$.claim_amount": Decimal128(f"{claim.amount:.2f}"),
        "creditors.$.claim_currency": claim.currency,
        "creditors.$.claim_updated_at": claim.created_at,
    }


class MongoClaimMirror(ClaimMirror):
    def __init__(self, collection) -> None:
        self._clients = collection

    def apply(self, claim: ClaimUpdate, idempotency_key: str) -> bool:
        newer_or_equal = {
            "id": claim.creditor_id,
            "applied_update_keys": {"$ne": idempotency_key},
            "$or": [{"claim_updated_at": None}, {"claim_updated_at": {"$lte": claim.created_at}}],
        }
        with translated():
            result = self._clients.update_one(
                {"_id": claim.client_id, "creditors": {"$elemMatch": newer_or_equal}},
                {
                    "$set": _values(claim),
                    "$addToSet": {"creditors.$.applied_update_keys": idempotency_key},
                },
            )
            if result.modified_count:
                return True
            # Already applied, or older than what the portal shows: remember the key only.
            recorded = self._clients.update_one(
                {"_id": claim.client_id, "creditors": {"$elemMatch": {"id": claim.creditor_id}}},
                {"$addToSet": {"creditors.$.applied_update_keys": idempotency_key}},
            )
        if recorded.matched_count == 0:
            log.warning(
                "mirror_target_missing", client_id=claim.client_id, creditor_id=claim.creditor_id
            )
        return False

    def current(self, client_id: str, creditor_id: str) -> MirroredClaim | None:
        with translated():
            document = self._clients.find_one(
                {"_id": client_id}, {"creditors": {"$elemMatch": {"id": creditor_id}}}
            )
        creditors = (document or {}).get("creditors") or []
        if not creditors:
            return None
        creditor = creditors[0]
        return MirroredClaim(
            amount=_amount(creditor.get("claim_amount"), client_id, creditor_id),
            currency=creditor.get("claim_currency"),
        )

    def overwrite(self, claim: ClaimUpdate, idempotency_key: str) -> bool:
        with translated():
            result = self._clients.update_one(
                {"_id": claim.client_id, "creditors": {"$elemMatch": {"id": claim.creditor_id}}},
                {
                    "$set": _values(claim),
                    "$addToSet": {"creditors.$.applied_update_keys": idempotency_key},
                },
            )
        return result.matched_count == 1


def _amount(raw, client_id: str, creditor_id: str) -> Decimal | None:
    """The portal's amount as a Decimal; garbage reads as None (a mismatch to repair)."""
    if raw is None:
        return None
    try:
        value = raw.to_decimal() if isinstance(raw, Decimal128) else Decimal(str(raw))
        return value.quantize(Decimal("0.01")) if value.is_finite() else None
    except (InvalidOperation, ValueError):
        log.warning("mirror_amount_unreadable", client_id=client_id, creditor_id=creditor_id)
        return None


def mongo_mirror_from_settings(settings) -> MongoClaimMirror:
    return MongoClaimMirror(clients_collection(settings))
