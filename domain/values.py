"""Value objects of the domain: the inbound email, extraction and match results, the claim."""

from __future__ import annotations

import enum
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

_MAX_EXTERNAL_ID_LENGTH = 255
# The ledger's NUMERIC(12, 2): an amount beyond it is a mis-read, never a claim to write.
MAX_CLAIM_AMOUNT = Decimal("9999999999.99")


def is_writable_amount(amount: Decimal | None) -> bool:
    """A claim amount the ledger can hold exactly: finite, 0 ≤ amount ≤ MAX, whole cents."""
    return (
        amount is not None
        and amount.is_finite()
        and Decimal(0) <= amount <= MAX_CLAIM_AMOUNT
        and amount == amount.quantize(Decimal("0.01"))
    )


class JobStatus(enum.StrEnum):
    RECEIVED = "received"
    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class JobSource(enum.StrEnum):
    """How the email reached us: the Zendesk trigger's webhook, or the backstop poller."""

    WEBHOOK = "webhook"
    POLL = "poll"


class Outcome(enum.StrEnum):
    MATCHED = "matched"
    NEEDS_REVIEW = "needs_review"
    NOT_CREDITOR_REPLY = "not_creditor_reply"


@dataclass(frozen=True)
class Attachment:
    """Metadata of one attachment; downloading it is a later phase."""

    url: str
    filename: str | None = None
    content_type: str | None = None
    size: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attachment:
        return cls(data["url"], data.get("filename"), data.get("content_type"), data.get("size"))


# Zero-width and other invisible characters, and whitespace: a Message-ID contains none.
_INVISIBLE_OR_SPACE = re.compile("[\\s\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def normalize_message_id(raw: str | None) -> str:
    """One spelling per Message-ID: NFKC (fullwidth ＜＞ become <>), invisible characters and
    whitespace removed, one pair of angle brackets, the domain part in lower case (it is
    case-insensitive; the local part is not). Empty when nothing is left."""
    text = _INVISIBLE_OR_SPACE.sub("", unicodedata.normalize("NFKC", raw or ""))
    text = text.lstrip("<").rstrip(">")
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    if at:
        text = f"{local}@{domain.lower()}"
    return f"<{text}>"


@dataclass(frozen=True)
class InboundEmail:
    """One creditor email as Zendesk delivered it, already validated."""

    ticket_id: int
    from_email: str
    received_at: datetime
    body_html: str = ""
    body_text: str = ""
    subject: str = ""
    from_name: str | None = None
    comment_id: int | None = None
    message_id: str | None = None
    attachments: tuple[Attachment, ...] = ()
    source: JobSource = JobSource.WEBHOOK

    @property
    def zendesk_key(self) -> str | None:
        """The second dedup key (SPEC §10): the comment's identity in Zendesk, when known.

        A delivery is a duplicate when either this key or `external_id` (the message id)
        matches an existing job, so the webhook and the poller never both create one.
        """
        if self.comment_id is None:
            return None
        return f"zendesk:{self.ticket_id}:{self.comment_id}"

    @property
    def external_id(self) -> str:
        """Dedup key: message_id, else zendesk:<ticket>:<comment>, else a hash of the body."""
        message_id = normalize_message_id(self.message_id)
        if message_id:
            if len(message_id) <= _MAX_EXTERNAL_ID_LENGTH:
                return message_id
            return "message-id-sha256:" + hashlib.sha256(message_id.encode()).hexdigest()
        if self.zendesk_key is not None:
            return self.zendesk_key
        canonical = json.dumps(
            {
                "ticket_id": self.ticket_id,
                "from_email": self.from_email.lower(),
                "subject": self.subject,
                "body_html": self.body_html,
                "body_text": self.body_text,
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


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
class AttachmentText:
    """The text read out of one downloaded attachment (a checkpoint on the job).

    `text` is empty when nothing could be read; `note` then says why (encrypted PDF, no text
    layer, too large, …). `content` is not kept here: only the text goes to the extractor.
    """

    filename: str
    content_type: str | None
    text: str = ""
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "text": self.text,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AttachmentText:
        return cls(
            data.get("filename") or "",
            data.get("content_type"),
            data.get("text") or "",
            data.get("note"),
        )


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


@dataclass(frozen=True)
class ClaimUpdate:
    """One ledger row: the claim amount a creditor reported for a client, from one job."""

    job_id: str
    client_id: str
    creditor_id: str
    amount: Decimal
    currency: str
    created_at: datetime
    source: str = "auto"  # "auto" (the pipeline) or "review" (a person)
    decided_by: str | None = None
    # The review decision (its number on the job) that booked this claim, for review rows.
    decision_seq: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or not is_writable_amount(self.amount):
            raise ValueError(
                f"claim amount must be a Decimal in [0, {MAX_CLAIM_AMOUNT}] with whole cents"
            )

    @property
    def idempotency_key(self) -> str:
        """Same job and same payload (and, for a review, the same decision) → same key, so a
        repeated write is a no-op while a later correction gets a row of its own."""
        payload = (
            f"{self.job_id}|{self.client_id}|{self.creditor_id}|{self.amount:.2f}|{self.currency}"
        )
        if self.decision_seq is not None:
            payload += f"|review:{self.decision_seq}"
        return hashlib.sha256(payload.encode()).hexdigest()
