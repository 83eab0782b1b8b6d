"""The ClientDirectory port on the portal's `clients` collection (embedded `creditors`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import structlog

from adapters.mongo.client import clients_collection
from adapters.mongo.errors import translated
from application.pipeline_ports import ClientDirectory
from application.ports import MirrorUnavailable
from domain.errors import TransientError
from domain.extraction import DirectoryEntry, Extraction
from domain.matching import normalize_reference

log = structlog.get_logger(__name__)
# Below this many clients every pair is a candidate; above, the query narrows.
SMALL_DIRECTORY_CLIENTS = 1000
MAX_NARROWED_CLIENTS = 200


class MongoClientDirectory(ClientDirectory):
    def __init__(self, collection) -> None:
        self._clients = collection

    def candidates(self, extraction: Extraction, from_email: str) -> Sequence[DirectoryEntry]:
        try:
            with translated():
                if self._clients.estimated_document_count() <= SMALL_DIRECTORY_CLIENTS:
                    documents = list(self._clients.find({}))
                else:
                    documents = list(
                        self._clients.find(_narrowing(extraction, from_email)).limit(
                            MAX_NARROWED_CLIENTS
                        )
                    )
        except MirrorUnavailable as exc:  # matching can wait for a retry
            raise TransientError(str(exc), type(exc).__name__) from exc
        return [entry for document in documents for entry in _entries(document)]


def _entries(document: dict) -> list[DirectoryEntry]:
    client_id = str(document.get("id") or document["_id"])
    return [
        DirectoryEntry(
            client_id=client_id,
            client_name=document.get("name") or "",
            client_reference=document.get("reference"),
            client_birth_date=document.get("birth_date"),
            creditor_id=str(creditor["id"]),
            creditor_name=creditor.get("name") or "",
            creditor_reference=creditor.get("reference"),
            creditor_email=creditor.get("email"),
            claim_amount=_decimal(creditor.get("claim_amount")),
        )
        for creditor in document.get("creditors") or []
        if creditor.get("id")
    ]


def _narrowing(extraction: Extraction, from_email: str) -> dict:
    conditions: list[dict] = []
    for reference in (extraction.client_reference, extraction.creditor_reference):
        if reference:
            norm = normalize_reference(reference)
            conditions += [
                {"reference_norm": norm},
                {"creditors.reference_norm": norm},
                {"reference": reference},
                {"creditors.reference": reference},
            ]
    domain = from_email.rpartition("@")[2].lower()
    if domain:
        conditions.append(
            {"creditors.email": {"$regex": f"@{re.escape(domain)}$", "$options": "i"}}
        )
    for token in (extraction.client_name or "").split():
        if len(token) >= 3:
            conditions.append({"name": {"$regex": re.escape(token), "$options": "i"}})
    return {"$or": conditions} if conditions else {"_id": None}


def mongo_directory_from_settings(settings) -> MongoClientDirectory:
    return MongoClientDirectory(clients_collection(settings))


def _decimal(value) -> Decimal | None:
    """A claim amount as stored (Decimal128, str, int or float), or None when unreadable."""
    if value is None:
        return None
    try:
        return Decimal(str(value.to_decimal() if hasattr(value, "to_decimal") else value))
    except (InvalidOperation, ValueError):
        return None
