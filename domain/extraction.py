"""What the extractor read and what matching found: Span, Extraction, DirectoryEntry, Match."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

NON_REPLY_REASONS = frozenset(
    ["auto_reply", "bounce", "newsletter", "client_message", "phishing", "acknowledgement", "other"]
)
COMPONENT_NAMES = ("principal", "interest", "costs")


@dataclass(frozen=True)
class Span:
    """Where an extracted value stands: offsets into the cleaned body (or into `source`)."""

    start: int
    end: int
    text: str
    source: str = "body"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text}
        if self.source != "body":
            data["source"] = self.source
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        return cls(
            int(data["start"]), int(data["end"]), str(data["text"]), data.get("source", "body")
        )


def _amount_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class Extraction:
    """What the extractor read out of the cleaned body.

    `components` maps principal/interest/costs to amounts (only those stated);
    `amount_conflicts` names disagreeing candidate totals with no clear current one (the
    safety rule turns each into a match conflict); `evidence` maps a field to its span.
    """

    is_creditor_reply: bool
    client_name: str | None = None
    client_reference: str | None = None
    creditor_name: str | None = None
    creditor_reference: str | None = None
    claim_amount: Decimal | None = None
    currency: str | None = None
    confidence: float = 0.0
    extractor: str = "unknown"
    components: dict[str, Decimal | None] | None = None
    client_birth_date: str | None = None
    non_reply_reason: str | None = None
    evidence: dict[str, Span] = field(default_factory=dict)
    amount_conflicts: tuple[str, ...] = ()
    # Reference-like tokens without a label (a subject's "Wolf – KL-90233718"): either side's.
    unlabelled_references: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be in [0, 1], got {self.confidence}")
        if self.claim_amount is not None and not isinstance(self.claim_amount, Decimal):
            raise TypeError("claim_amount must be a Decimal")
        if self.components is not None and set(self.components) - set(COMPONENT_NAMES):
            raise ValueError(f"components must be among {COMPONENT_NAMES}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "is_creditor_reply": self.is_creditor_reply,
            "client_name": self.client_name,
            "client_reference": self.client_reference,
            "creditor_name": self.creditor_name,
            "creditor_reference": self.creditor_reference,
            "claim_amount": _amount_text(self.claim_amount),
            "currency": self.currency,
            "confidence": self.confidence,
            "extractor": self.extractor,
            "components": None
            if self.components is None
            else {name: _amount_text(self.components.get(name)) for name in COMPONENT_NAMES},
            "client_birth_date": self.client_birth_date,
            "non_reply_reason": self.non_reply_reason,
            "evidence": {name: span.to_dict() for name, span in self.evidence.items()},
            "amount_conflicts": list(self.amount_conflicts),
            "unlabelled_references": list(self.unlabelled_references),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        components = data.get("components")
        return cls(
            is_creditor_reply=bool(data["is_creditor_reply"]),
            client_name=data.get("client_name"),
            client_reference=data.get("client_reference"),
            creditor_name=data.get("creditor_name"),
            creditor_reference=data.get("creditor_reference"),
            claim_amount=_decimal(data.get("claim_amount")),
            currency=data.get("currency"),
            confidence=float(data.get("confidence", 0.0)),
            extractor=data.get("extractor", "unknown"),
            components=None
            if components is None
            else {name: _decimal(components.get(name)) for name in COMPONENT_NAMES},
            client_birth_date=data.get("client_birth_date"),
            non_reply_reason=data.get("non_reply_reason"),
            evidence={
                name: Span.from_dict(span) for name, span in (data.get("evidence") or {}).items()
            },
            amount_conflicts=tuple(data.get("amount_conflicts") or ()),
            unlabelled_references=tuple(data.get("unlabelled_references") or ()),
        )


# The evidence key of a payment the email reports as made (beside the claim it states).
PAYMENT = "payment"


@dataclass(frozen=True)
class DirectoryEntry:
    """One (client, creditor) pair of the directory, as a matching candidate."""

    client_id: str
    client_name: str
    creditor_id: str
    creditor_name: str
    client_reference: str | None = None
    creditor_reference: str | None = None
    creditor_email: str | None = None
    client_birth_date: str | None = None
    # The claim the practice has on file for this pair (the import's or the last booked one).
    claim_amount: Decimal | None = None


@dataclass(frozen=True)
class MatchCandidate:
    client_id: str
    creditor_id: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "creditor_id": self.creditor_id, "score": self.score}


@dataclass(frozen=True)
class Match:
    """Result of matching: client_id/creditor_id are set only for an auto-match.

    `evidence` lists the kinds of evidence that agreed on the best candidate, `conflicts` the
    contradictions found (any conflict sends the job to review; SPEC §7).
    """

    score: float
    client_id: str | None = None
    creditor_id: str | None = None
    candidates: tuple[MatchCandidate, ...] = field(default_factory=tuple)
    evidence: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()

    @property
    def is_auto_match(self) -> bool:
        return self.client_id is not None and self.creditor_id is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "creditor_id": self.creditor_id,
            "score": self.score,
            "candidates": [c.to_dict() for c in self.candidates],
            "evidence": list(self.evidence),
            "conflicts": list(self.conflicts),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Match:
        return cls(
            score=float(data["score"]),
            client_id=data.get("client_id"),
            creditor_id=data.get("creditor_id"),
            candidates=tuple(
                MatchCandidate(c["client_id"], c["creditor_id"], float(c["score"]))
                for c in data.get("candidates", [])
            ),
            evidence=tuple(data.get("evidence") or ()),
            conflicts=tuple(data.get("conflicts") or ()),
        )
